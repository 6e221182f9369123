package dev.switchboard.gateway.upload;

import dev.switchboard.gateway.forward.ClientGoneException;
import dev.switchboard.gateway.http.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

/**
 * Receives a {@code multipart/form-data} body into a spool file as it arrives, reading its form fields on the way
 * ({@link MultipartScanner}): memory holds a chunk or two, whatever the upload's size. The request must come paused
 * (its route pauses it before authentication, so that nothing is spooled for a caller that is refused). Uploads have
 * their own body limit ({@code switchboard.upload.max-body-size}, above the JSON bodies'): a declared
 * {@code Content-Length} over it is refused before a byte is read, a body that grows past it as soon as it does: 413
 * either way, the rest of the body read and dropped so that the caller gets the answer (as for JSON bodies). The spool
 * file is readable by the gateway's user only, and deleted when the exchange ends, however it ends.
 */
public final class UploadReceiver {

    private static final String PREFIX = "switchboard-upload-";
    private static final Logger LOG = Logger.getLogger(UploadReceiver.class);

    private final Vertx vertx;
    private final long maxBodySize;
    /** Where spool files go; null for the JVM's temporary directory. */
    private final String directory;

    public UploadReceiver(Vertx vertx, long maxBodySize, String directory) {
        this.vertx = vertx;
        this.maxBodySize = maxBodySize;
        this.directory = directory;
    }

    /** The spooled upload once the whole body is in; fails with the {@link GatewayError} to answer. */
    public Future<Upload> receive(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String contentType = request.getHeader("content-type");
        MultipartScanner scanner = new MultipartScanner(MultipartScanner.boundaryOf(contentType));
        String declared = request.getHeader("content-length");
        if (declared != null && declaredLength(declared) > maxBodySize) {
            throw GatewayError.bodyTooLarge(maxBodySize);
        }
        Future<String> created = directory == null
                ? vertx.fileSystem().createTempFile(PREFIX, ".multipart", "rw-------")
                : vertx.fileSystem().createTempFile(directory, PREFIX, ".multipart", "rw-------");
        return created.compose(path -> {
            if (rc.response().ended() || rc.response().closed()) {
                // the exchange ended while the file was made (the caller left): no end handler would delete it
                vertx.fileSystem().delete(path);
                return Future.failedFuture(new ClientGoneException());
            }
            rc.addEndHandler(ended -> vertx.fileSystem().delete(path));
            return vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setTruncateExisting(true))
                    .compose(file -> spool(rc, request, scanner, file, path, contentType));
        });
    }

    private Future<Upload> spool(RoutingContext rc, HttpServerRequest request, MultipartScanner scanner, AsyncFile file,
                                 String path, String contentType) {
        Promise<Upload> result = Promise.promise();
        long[] received = {0};
        boolean[] failed = {false};
        request.exceptionHandler(err -> {
            // the caller went away mid-body: nobody to answer
            failed[0] = true;
            file.close();
            result.tryFail(new ClientGoneException());
        });
        file.exceptionHandler(err -> {
            // the spool's disk (full, gone): the gateway's fault, said in the log, not to the caller
            LOG.errorf("spooling an upload to %s failed: %s", path, err.getMessage());
            failed[0] = true;
            file.close();
            result.tryFail(GatewayError.internal());
            request.resume();
        });
        request.endHandler(v -> {
            if (failed[0]) {
                return;
            }
            try {
                scanner.end();
                if (scanner.field("model") == null || scanner.field("model").value().isEmpty()) {
                    throw GatewayError.invalidRequest("you must provide a model parameter.", "model");
                }
                if (!scanner.sawFile()) {
                    throw GatewayError.invalidRequest("'file' is a required property: a part named file, with a "
                            + "filename.", "file");
                }
            } catch (GatewayError e) {
                file.close();
                result.tryFail(e);
                return;
            }
            MultipartScanner.Field stream = scanner.field("stream");
            long size = received[0];
            file.close().onComplete(closed -> {
                if (closed.failed()) {
                    result.tryFail(closed.cause());
                    return;
                }
                result.tryComplete(new Upload(vertx, path, size, contentType, scanner.field("model"),
                        stream != null && stream.value().trim().equalsIgnoreCase("true")));
            });
        });
        // the end and error handlers first: the data handler may let queued chunks and the end through
        request.handler(chunk -> {
            if (failed[0]) {
                return; // refused already: the rest is read and dropped
            }
            received[0] += chunk.length();
            try {
                if (received[0] > maxBodySize) {
                    throw GatewayError.bodyTooLarge(maxBodySize);
                }
                scanner.feed(chunk);
            } catch (GatewayError e) {
                failed[0] = true;
                file.close();
                result.tryFail(e);
                request.resume();
                return;
            }
            file.write(chunk);
            if (file.writeQueueFull()) {
                request.pause();
                file.drainHandler(v -> request.resume());
            }
        });
        if ("100-continue".equalsIgnoreCase(request.getHeader("expect"))) {
            rc.response().writeContinue();
        }
        request.resume();
        return result.future();
    }

    /** Reads and drops what is left of a refused upload's body, so that the caller, still sending, gets the answer. */
    public static void discardRest(HttpServerRequest request) {
        if (!request.isEnded()) {
            request.handler(chunk -> { });
            request.exceptionHandler(err -> { });
            request.resume();
        }
    }

    private static long declaredLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1; // the HTTP server rejects a malformed length before we get here
        }
    }
}
