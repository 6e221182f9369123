package dev.switchboard.controlplane.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One committed revision: who, when, what changed, and the whole config as it was then (secrets sealed). */
@Entity
@Table(name = "revisions")
public class RevisionRow extends PanacheEntityBase {

    @Id
    public long revision;

    public Instant createdAt;
    public String author;
    public String summary;
    public int changeCount;
    /** JSON list of {@link dev.switchboard.controlplane.config.Change}s without field details. */
    public String changes;
    /** JSON of the whole config. */
    public String config;

    public RevisionRow() {
    }

    /** A log entry without the config (and without the changes). */
    public RevisionRow(long revision, Instant createdAt, String author, String summary, int changeCount) {
        this(revision, createdAt, author, summary, changeCount, null);
    }

    /** A log entry without the config. */
    public RevisionRow(long revision, Instant createdAt, String author, String summary, int changeCount,
                       String changes) {
        this.revision = revision;
        this.createdAt = createdAt;
        this.author = author;
        this.summary = summary;
        this.changeCount = changeCount;
        this.changes = changes;
    }
}
