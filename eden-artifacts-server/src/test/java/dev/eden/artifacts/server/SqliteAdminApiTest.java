package dev.eden.artifacts.server;

import java.nio.file.Path;

/** The admin API on metadata in SQLite, the runnable server's default. */
class SqliteAdminApiTest extends AdminApiBehaviour {
  @Override
  TestDatabases.Store openDatabase(Path dir) throws Exception {
    return TestDatabases.sqlite(dir);
  }
}
