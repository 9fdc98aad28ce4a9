package dev.eden.artifacts.server.internal;

import jakarta.servlet.ServletResponse;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.catalina.connector.Response;
import org.apache.catalina.connector.ResponseFacade;

/**
 * Tomcat 10.1: {@code Response.setContentType} and {@code setHeader("Content-Type", …)} split a
 * charset off the value and the connector writes {@code type + ";charset=" + charset} when it
 * commits ({@code org.apache.coyote.Response.getContentType()}, used by
 * {@code Http11Processor.prepareResponse}). A value put directly into the coyote response's header
 * list, with no content type recorded beside it, goes out unchanged.
 *
 * <p>The servlet API hands out a {@code ResponseFacade} whose catalina {@code Response} (the
 * protected field {@code response}, there since Tomcat 4) has no public getter; it is read once
 * through a {@link VarHandle}, as Spring Framework's reactive Tomcat adapter reads the same field.
 * Loaded only on Tomcat.
 */
final class TomcatContentType {
  private static final VarHandle FACADE_RESPONSE;

  static {
    try {
      FACADE_RESPONSE = MethodHandles.privateLookupIn(ResponseFacade.class, MethodHandles.lookup())
          .findVarHandle(ResponseFacade.class, "response", Response.class);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this Tomcat's ResponseFacade has no 'response' field", e);
    }
  }

  private TomcatContentType() {}

  static void set(ServletResponse facade, String value) {
    org.apache.coyote.Response coyote = ((Response) FACADE_RESPONSE.get(facade)).getCoyoteResponse();
    coyote.setContentTypeNoCharset(null);
    coyote.getMimeHeaders().setValue("Content-Type").setString(value);
  }
}
