package dev.switchboard.gateway.upload;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.WriteStream;
import java.nio.charset.StandardCharsets;

/**
 * A multipart upload as received, spooled to a file of its own (deleted once the exchange ends) and never held in
 * memory: its content type (with the caller's boundary), its size, and the form fields the gateway reads. Each attempt
 * sends it again from the file with {@link #withModel}, so retries and fallback work as for JSON bodies.
 */
public final class Upload {

    /** Bytes per read from the spool file: fewer trips to the worker pool than Vert.x's 8 KB for a 25 MB file. */
    private static final int READ_BUFFER = 64 * 1024;

    private final Vertx vertx;
    private final String path;
    private final long size;
    private final String contentType;
    private final MultipartScanner.Field model;
    private final boolean stream;

    Upload(Vertx vertx, String path, long size, String contentType, MultipartScanner.Field model, boolean stream) {
        this.vertx = vertx;
        this.path = path;
        this.size = size;
        this.contentType = contentType;
        this.model = model;
        this.stream = stream;
    }

    /** The {@code model} form field as the caller wrote it. */
    public String model() {
        return model.value();
    }

    /** Whether the caller asked for an event stream ({@code stream=true}, gpt-4o-transcribe and later). */
    public boolean stream() {
        return stream;
    }

    /** The caller's {@code multipart/form-data} content type, boundary included: the body goes on with it. */
    public String contentType() {
        return contentType;
    }

    /** The body as the caller sent it, with only the {@code model} field's value replaced by {@code upstreamModel}. */
    public Body withModel(String upstreamModel) {
        return new Body(upstreamModel.getBytes(StandardCharsets.UTF_8));
    }

    /** One attempt's copy of the body, read from the spool file as the upstream takes it. */
    public final class Body {

        private final byte[] modelValue;

        private Body(byte[] modelValue) {
            this.modelValue = modelValue;
        }

        /** Its length in bytes: the {@code Content-Length} it goes with. */
        public long length() {
            return size - (model.end() - model.start()) + modelValue.length;
        }

        /**
         * Writes it to {@code out} (not ended), with backpressure: the file before the model's value, the new value, the
         * file after it. Fails when {@code out} does (the upstream closed).
         */
        public Future<Void> writeTo(WriteStream<Buffer> out) {
            return range(0, model.start(), out)
                    .compose(v -> out.write(Buffer.buffer(modelValue)))
                    .compose(v -> range(model.end(), size - model.end(), out));
        }

        private Future<Void> range(long from, long length, WriteStream<Buffer> out) {
            if (length <= 0) {
                return Future.succeededFuture();
            }
            return vertx.fileSystem().open(path, new OpenOptions().setRead(true).setWrite(false).setCreate(false))
                    .compose(file -> {
                        Promise<Void> done = Promise.promise();
                        file.setReadBufferSize(READ_BUFFER).setReadPos(from).setReadLength(length);
                        file.pipe().endOnComplete(false).to(out).onComplete(piped -> {
                            file.close();
                            done.handle(piped);
                        });
                        return done.future();
                    });
        }
    }
}
