package dev.eden.artifacts.benchmarks;

/**
 * The CPU time a Linux process has used, from the text of its {@code /proc/<pid>/stat}.
 *
 * @param userTicks user-mode time (field 14), in clock ticks
 * @param systemTicks kernel-mode time (field 15), in clock ticks
 */
public record ProcCpu(long userTicks, long systemTicks) {
  /**
   * Parses {@code /proc/<pid>/stat}. The second field, the command name in parentheses, may hold
   * spaces and parentheses itself, so the fields are counted from the last {@code ')'}.
   *
   * @throws IllegalArgumentException if the text does not have that shape
   */
  public static ProcCpu parse(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: no ')'");
    }
    // After ") ": field 3 (state) onwards; utime and stime are fields 14 and 15.
    String[] rest = stat.substring(close + 1).trim().split("\\s+");
    if (rest.length < 13) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + rest.length + " fields after the name");
    }
    try {
      return new ProcCpu(Long.parseLong(rest[11]), Long.parseLong(rest[12]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + e.getMessage(), e);
    }
  }

  /** User plus system time in seconds, for {@code ticksPerSecond} ({@code getconf CLK_TCK}). */
  public double seconds(long ticksPerSecond) {
    return (userTicks + systemTicks) / (double) ticksPerSecond;
  }
}
