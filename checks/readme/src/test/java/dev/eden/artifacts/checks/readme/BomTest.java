package dev.eden.artifacts.checks.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** eden-artifacts-bom manages every published module (every eden-artifacts-* module of the build). */
class BomTest {
  @Test
  void bomListsEveryPublishedModuleAtTheBuildsVersion() {
    Set<String> published = new TreeSet<>();
    Matcher module = Pattern.compile("<module>(eden-artifacts-[\\w-]+)</module>")
        .matcher(Snippets.read(Path.of("../../pom.xml")));
    while (module.find()) {
      published.add(module.group(1));
    }
    published.remove("eden-artifacts-bom");

    String bom = Snippets.read(Path.of("../../eden-artifacts-bom/pom.xml"));
    Set<String> managed = new TreeSet<>();
    Matcher managedArtifact = Pattern.compile(
        "<groupId>dev\\.eden</groupId><artifactId>([\\w-]+)</artifactId><version>\\$\\{project\\.version}</version>")
        .matcher(bom);
    while (managedArtifact.find()) {
      managed.add(managedArtifact.group(1));
    }
    assertThat(managed).isEqualTo(published);
    assertThat(bom).contains("<artifactId>eden-artifacts-bom</artifactId>\n  <version>"
        + System.getProperty("readme.version.dev.eden") + "</version>");
  }
}
