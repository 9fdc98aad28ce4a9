package dev.eden.artifacts.jdbc.internal;

import java.util.List;

/**
 * One step of the schema history. Versions are consecutive from 1 and are never edited once
 * released: a change is a new step. Not API.
 */
interface Migration {
  int version();

  String description();

  /** The statements of this step, in order, for the given dialect and table names. */
  List<String> statements(Dialect dialect, TableNames names);
}
