package dev.eden.artifacts.server;

import dev.eden.artifacts.server.internal.MultipartForm;
import dev.eden.artifacts.server.internal.MultipartReader;

/** Every {@link DepositRulesTest} case again, with deposits parsed by the default FileUpload reader. */
class DepositRulesWithFileUploadTest extends DepositRulesTest {
  @Override
  MultipartReader.Factory multipartReader() {
    return MultipartForm.FACTORY;
  }
}
