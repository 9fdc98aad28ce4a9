package dev.eden.artifacts.checks.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * After {@code package}: each published module is a jar with its module name and version in the
 * manifest, a sources jar and a javadoc jar beside it, and the five load together as modules (no
 * split packages).
 */
class PublishedJarsIT {
  @Test
  void everyPublishedJarNamesItsModuleAndVersionAndHasSourcesAndJavadoc() throws Exception {
    Map<String, Path> jars = PublishedModules.onClasspath();
    assertThat(jars.keySet()).containsExactlyInAnyOrderElementsOf(PublishedModules.MODULE_NAMES.keySet());
    for (Map.Entry<String, Path> e : jars.entrySet()) {
      Path jar = e.getValue();
      assertThat(jar).as("%s is packaged", e.getKey()).isRegularFile();
      try (JarFile file = new JarFile(jar.toFile())) {
        Attributes manifest = file.getManifest().getMainAttributes();
        assertThat(manifest.getValue("Automatic-Module-Name")).as(jar.toString())
            .isEqualTo(PublishedModules.MODULE_NAMES.get(e.getKey()));
        assertThat(manifest.getValue("Implementation-Version")).as(jar.toString())
            .isEqualTo(System.getProperty("project.version"));
        assertThat(manifest.getValue("Implementation-Title")).as(jar.toString()).isNotBlank();
      }
      String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");
      assertThat(jar.resolveSibling(base + "-sources.jar")).isRegularFile();
      assertThat(jar.resolveSibling(base + "-javadoc.jar")).isRegularFile();
    }
  }

  @Test
  void publishedJarsLoadTogetherAsNamedModules() {
    ModuleFinder finder = ModuleFinder.of(PublishedModules.onClasspath().values().toArray(Path[]::new));
    assertThat(finder.findAll().stream().map(r -> r.descriptor().name()).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(PublishedModules.MODULE_NAMES.values());
    Configuration configuration = ModuleLayer.boot().configuration().resolve(
        finder, ModuleFinder.of(), PublishedModules.MODULE_NAMES.values());
    // Defining them in one class loader fails if two modules share a package.
    ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());
    assertThat(layer.modules()).hasSize(PublishedModules.MODULE_NAMES.size());
    assertThat(finder.findAll()).allSatisfy(r -> assertThat(r.location()).isPresent());
    assertThat(finder.findAll().stream().map(ModuleReference::location).map(l -> Path.of(l.orElseThrow())))
        .allSatisfy(p -> assertThat(Files.isRegularFile(p)).isTrue());
  }
}
