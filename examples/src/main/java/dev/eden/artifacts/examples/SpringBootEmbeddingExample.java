package dev.eden.artifacts.examples;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.ArtifactServlet;
import dev.eden.artifacts.server.Authenticator;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot 3 application (Spring MVC on Tomcat) that serves the artifact endpoints under
 * {@code /eden} beside its own controllers: {@code /eden/v0/experiments/{E}/artifacts} and
 * {@code /eden/healthz} go to {@link ArtifactServlet}, everything else (here {@code /status}) to
 * Spring's dispatcher. Workers use {@code http://host:port/eden} as their base URL.
 *
 * <p>The registration is one bean: the servlet, told its mount path, mapped to the same prefix.
 *
 * <pre>{@code
 * @Bean
 * ServletRegistrationBean<ArtifactServlet> edenArtifacts(ArtifactHandler handler) {
 *   return new ServletRegistrationBean<>(new ArtifactServlet(handler, "/eden"), "/eden/*");
 * }
 * }</pre>
 *
 * <p>The servlet writes its own JSON and problem+json (with the server module's Jackson), streams
 * deposits from the raw body, and sends a fetched artifact's content type byte for byte on Tomcat.
 * Keep Spring's multipart handling away from it: it only applies to the dispatcher, as here.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(SpringBootEmbeddingExample.StatusController.class)
public class SpringBootEmbeddingExample {
  /** Where the application mounts the endpoints. */
  public static final String MOUNT_PATH = "/eden";

  /** Metadata in SQLite under {@code eden.data-dir}; Spring closes it with the application. */
  @Bean(destroyMethod = "close")
  JdbiArtifactStore artifactStore(@Value("${eden.data-dir}") Path dataDir) throws IOException {
    return JdbiArtifactStore.sqlite(dataDir.resolve("artifacts.db"));
  }

  /** The endpoints, with the application's own {@link Authenticator} bean. */
  @Bean
  ArtifactHandler artifactHandler(JdbiArtifactStore store, Authenticator authenticator,
      @Value("${eden.data-dir}") Path dataDir, @Value("${eden.experiment-id}") String experiment)
      throws IOException {
    return ArtifactHandler.builder()
        .service(ArtifactService.builder()
            .backend(new FileArtifactBackend(dataDir.resolve("blobs")))
            .store(store)
            .build())
        .authenticator(authenticator)
        .servedExperiments(ExperimentId.parse(experiment))
        .build();
  }

  /** The servlet under {@code /eden}: the mount path and the mapping name the same prefix. */
  // snippet: spring-boot
  @Bean
  ServletRegistrationBean<ArtifactServlet> edenArtifacts(ArtifactHandler handler) {
    return new ServletRegistrationBean<>(new ArtifactServlet(handler, "/eden"), "/eden/*");
  }
  // end snippet

  /** The application's own endpoint, served by Spring's dispatcher beside the artifact servlet. */
  @RestController
  static class StatusController {
    @GetMapping("/status")
    String status() {
      return "orchestrator is running";
    }
  }

  /**
   * Starts the application on 127.0.0.1:{@code port} (0 picks a free one) serving
   * {@code experiment}, with data under {@code dataDir}; close the context to stop it.
   */
  public static ConfigurableApplicationContext start(Path dataDir, int port, ExperimentId experiment,
      Authenticator authenticator) {
    SpringApplication application = new SpringApplication(SpringBootEmbeddingExample.class);
    // The authenticator is the application's business; here it is handed in.
    application.addInitializers(context ->
        context.getBeanFactory().registerSingleton("authenticator", authenticator));
    return application.run(
        "--server.address=127.0.0.1",
        "--server.port=" + port,
        "--eden.data-dir=" + dataDir.toAbsolutePath(),
        "--eden.experiment-id=" + experiment,
        "--spring.main.banner-mode=off");
  }

  /** The base URL workers use: {@code http://127.0.0.1:PORT/eden}. */
  public static URI baseUri(ConfigurableApplicationContext context) {
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    return URI.create("http://127.0.0.1:" + port + MOUNT_PATH);
  }

  public static void main(String[] args) {
    Path dataDir = Path.of(args.length > 0 ? args[0] : "spring-boot-example-data");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    ExperimentId experiment = ExperimentId.mint();
    String workerId = Principal.mintWorkerId();
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String secretHex = HexFormat.of().formatHex(secret);
    ConfigurableApplicationContext context = start(dataDir, port, experiment,
        InMemoryAuthenticator.builder().worker(workerId, secretHex).build());
    System.out.println("artifact servlet mounted at " + baseUri(context));
    System.out.println("run a worker against it, in another terminal:");
    System.out.println("  java -cp ... dev.eden.artifacts.examples.WorkerExample "
        + baseUri(context) + " " + experiment + " " + workerId + ":" + secretHex);
    System.out.println("Ctrl-C stops.");
  }
}
