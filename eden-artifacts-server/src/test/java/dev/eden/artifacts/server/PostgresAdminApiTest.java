package dev.eden.artifacts.server;

import java.nio.file.Path;

/**
 * The admin API on metadata in PostgreSQL (the scale-out configuration), in a fresh schema of the
 * server named by {@code EDEN_TEST_POSTGRES_URL}; fails without one under {@code CI=true}.
 */
class PostgresAdminApiTest extends AdminApiBehaviour {
  @Override
  TestDatabases.Store openDatabase(Path dir) throws Exception {
    return TestDatabases.postgres();
  }
}
