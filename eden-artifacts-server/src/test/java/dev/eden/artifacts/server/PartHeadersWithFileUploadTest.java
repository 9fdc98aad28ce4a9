package dev.eden.artifacts.server;

import dev.eden.artifacts.server.internal.MultipartForm;
import dev.eden.artifacts.server.internal.MultipartReader;

/** Every {@link PartHeadersTest} case again, with deposits parsed by the default FileUpload reader. */
class PartHeadersWithFileUploadTest extends PartHeadersTest {
  @Override
  MultipartReader.Factory multipartReader() {
    return MultipartForm.FACTORY;
  }
}
