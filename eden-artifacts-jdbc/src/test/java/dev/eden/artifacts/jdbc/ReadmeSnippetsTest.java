package dev.eden.artifacts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.ArtifactStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code snippets of this module's README, compiled and run; keep the two in step. */
class ReadmeSnippetsTest {
  @TempDir Path dataDir;

  @Test
  void sqliteSnippet() throws Exception {
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata metadata = TestRows.row(experiment, Instant.now());
    Path dataDir = this.dataDir;

    // README: sqlite
    try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(dataDir.resolve("metadata.db"))) {
      store.create(metadata);
      Optional<ArtifactMetadata> row = store.find(metadata.experimentId(), metadata.id());
      // README: end
      assertThat(row).contains(metadata);
    }
  }

  @Test
  void postgresSnippets() throws Exception {
    try (PostgresTestDatabase database = PostgresTestDatabase.create()) {
      String jdbcUrl = database.url();
      ArtifactMetadata metadata = TestRows.row(ExperimentId.mint(), Instant.now());

      // README: postgres
      try (JdbiArtifactStore store = JdbiArtifactStore.postgres(jdbcUrl)) {
        store.create(metadata);
      }
      // README: end

      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(jdbcUrl);
      try (HikariDataSource orchestratorPool = new HikariDataSource(config)) {
        DataSource existingDataSource = orchestratorPool;
        // README: datasource
        ArtifactStore store =
            JdbiArtifactStore.builder()
                .dataSource(existingDataSource) // yours: the store never closes it
                .tablePrefix("eden_") // tables eden_artifacts, eden_schema_version
                .build();
        // README: end
        assertThat(store.find(metadata.experimentId(), metadata.id())).contains(metadata);
        ((JdbiArtifactStore) store).close();
        assertThat(orchestratorPool.isClosed()).isFalse();
      }
    }
  }
}
