package dev.eden.artifacts.checks.readme;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fenced code blocks of a Markdown file and the marked regions of source files they must equal.
 * A block is tied to a region by an HTML comment on the line before its fence,
 * {@code <!-- snippet: NAME -->}; a region is the lines between {@code // snippet: NAME} and
 * {@code // end snippet}. Both are compared after removing their common indentation.
 */
final class Snippets {
  private static final Pattern BLOCK = Pattern.compile(
      "(?:<!-- snippet: ([\\w-]+) -->\\n)?```(\\w*)\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);
  private static final Pattern REGION = Pattern.compile(
      "^[ \\t]*// snippet: ([\\w-]+)\\n(.*?)^[ \\t]*// end snippet$", Pattern.MULTILINE | Pattern.DOTALL);

  /** A fenced block: its snippet name (null if unmarked), its language and its text. */
  record Block(String name, String language, String text) {}

  private Snippets() {}

  static List<Block> blocks(Path markdown) {
    Matcher m = BLOCK.matcher(read(markdown));
    List<Block> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(new Block(m.group(1), m.group(2), dedent(m.group(3))));
    }
    return blocks;
  }

  /** Every region under {@code roots}, by name. */
  static Map<String, String> regions(Path... roots) {
    Map<String, String> regions = new LinkedHashMap<>();
    for (Path root : roots) {
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
          Matcher m = REGION.matcher(read(f));
          while (m.find()) {
            if (regions.put(m.group(1), dedent(m.group(2))) != null) {
              throw new IllegalStateException("two regions named " + m.group(1));
            }
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return regions;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String dedent(String text) {
    List<String> lines = text.lines().map(String::stripTrailing).toList();
    int indent = lines.stream().filter(l -> !l.isEmpty())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.isEmpty() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString();
  }
}
