package dev.eden.artifacts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC drivers are optional dependencies: without the one a store needs, building it fails
 * with an {@link IOException} naming the dependency to add, not a {@link NoClassDefFoundError}.
 * The store runs here in a class loader over this module's test classpath minus both driver jars.
 */
class MissingDriverTest {
  private static final Pattern DRIVER_JAR = Pattern.compile("[/\\\\](sqlite-jdbc|postgresql)-[^/\\\\]*\\.jar$");

  @TempDir Path dir;

  @Test
  void sqliteWithoutItsDriverNamesTheDependencyToAdd() throws Exception {
    Throwable failure = buildWithoutDrivers("sqlite", Path.class, dir.resolve("metadata.db"));
    assertThat(failure).isInstanceOf(IOException.class).hasMessageContaining("org.xerial:sqlite-jdbc");
    assertThat(dir.resolve("metadata.db")).doesNotExist();
  }

  @Test
  void postgresWithoutItsDriverNamesTheDependencyToAdd() throws Exception {
    Throwable failure = buildWithoutDrivers("postgres", String.class, "jdbc:postgresql://127.0.0.1:1/none");
    assertThat(failure).isInstanceOf(IOException.class).hasMessageContaining("org.postgresql:postgresql");
  }

  private static Throwable buildWithoutDrivers(String factory, Class<?> parameter, Object argument)
      throws Exception {
    try (URLClassLoader loader = new URLClassLoader(classpathWithoutDrivers(), ClassLoader.getPlatformClassLoader())) {
      assertThat(loader.getResource("org/sqlite/JDBC.class")).isNull();
      assertThat(loader.getResource("org/postgresql/Driver.class")).isNull();
      Class<?> store = Class.forName(JdbiArtifactStore.class.getName(), true, loader);
      Throwable thrown = catchThrowable(() -> store.getMethod(factory, parameter).invoke(null, argument));
      assertThat(thrown).isInstanceOf(InvocationTargetException.class);
      return thrown.getCause();
    }
  }

  private static URL[] classpathWithoutDrivers() throws MalformedURLException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath.split(Pattern.quote(File.pathSeparator))) {
      if (!entry.isEmpty() && !DRIVER_JAR.matcher(entry).find()) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    return urls.toArray(URL[]::new);
  }
}
