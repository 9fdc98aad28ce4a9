package dev.eden.artifacts.server;

import dev.eden.artifacts.server.internal.MultipartForm;
import dev.eden.artifacts.server.internal.MultipartReader;

/** Every {@link FilenameEncodersTest} case again, with deposits parsed by the default FileUpload reader. */
class FilenameEncodersWithFileUploadTest extends FilenameEncodersTest {
  @Override
  MultipartReader.Factory multipartReader() {
    return MultipartForm.FACTORY;
  }
}
