package dev.switchboard.gateway.provider;

import dev.switchboard.gateway.upload.Upload;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One HTTP call to an upstream, as an adapter prepared it, with the translator that turns its answer into the
 * caller's format ({@link ResponseTranslator#PASSTHROUGH} when none is needed). Its body is {@code body}, or, for a
 * multipart upload, {@code upload} (then {@code body} is empty), sent from the upload's spool file.
 */
public record UpstreamCall(Upstream upstream, String path, MultiMap headers, Buffer body, ResponseTranslator translator,
                           Upload.Body upload) {

    public UpstreamCall(Upstream upstream, String path, MultiMap headers, Buffer body, ResponseTranslator translator) {
        this(upstream, path, headers, body, translator, null);
    }

    /** A multipart upload to {@code path}, with the caller's content type (its boundary) and the answer passed back. */
    public static UpstreamCall upload(Upstream upstream, String path, MultiMap headers, Upload.Body upload,
                                      ResponseTranslator translator) {
        return new UpstreamCall(upstream, path, headers, Buffer.buffer(), translator, upload);
    }
}
