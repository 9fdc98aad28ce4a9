package dev.eden.artifacts.checks.readme;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/** The published modules as this module's classpath holds them: jars after package, else class directories. */
final class PublishedModules {
  /** artifactId → Automatic-Module-Name. */
  static final Map<String, String> MODULE_NAMES = Map.of(
      "eden-artifacts-core", "dev.eden.artifacts.core",
      "eden-artifacts-jdbc", "dev.eden.artifacts.jdbc",
      "eden-artifacts-s3", "dev.eden.artifacts.s3",
      "eden-artifacts-server", "dev.eden.artifacts.server",
      "eden-artifacts-client", "dev.eden.artifacts.client",
      "eden-artifacts-testkit", "dev.eden.artifacts.testkit");
  private static final Pattern ENTRY = Pattern.compile(
      "[/\\\\](eden-artifacts-(?:core|jdbc|s3|server|client|testkit))(?:[/\\\\]target[/\\\\]classes|-[^/\\\\]*\\.jar)$");

  private PublishedModules() {}

  /** artifactId → its classpath entry. */
  static Map<String, Path> onClasspath() {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Map<String, Path> entries = new LinkedHashMap<>();
    for (String entry : classpath.split(Pattern.quote(File.pathSeparator))) {
      Matcher m = ENTRY.matcher(entry);
      if (m.find()) {
        entries.put(m.group(1), Path.of(entry));
      }
    }
    return entries;
  }

  /** The binary names of every class in a classpath entry. */
  static List<String> classNames(Path entry) {
    List<String> names = new ArrayList<>();
    try {
      if (Files.isDirectory(entry)) {
        try (Stream<Path> files = Files.walk(entry)) {
          files.filter(f -> f.toString().endsWith(".class"))
              .forEach(f -> names.add(binaryName(entry.relativize(f).toString())));
        }
      } else {
        try (ZipFile jar = new ZipFile(entry.toFile())) {
          jar.stream().filter(e -> e.getName().endsWith(".class") && !e.getName().contains("module-info"))
              .forEach(e -> names.add(binaryName(e.getName())));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  private static String binaryName(String path) {
    return path.substring(0, path.length() - ".class".length()).replace(File.separatorChar, '.').replace('/', '.');
  }
}
