package dev.switchboard.controlplane.store;

import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.config.Change;
import dev.switchboard.controlplane.config.ConfigChanges;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.config.ControlPlaneRules;
import dev.switchboard.controlplane.config.ResourceKind;
import dev.switchboard.controlplane.sync.SnapshotPublisher;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigValidator;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * PostgreSQL as the truth. Every change runs as one transaction: lock the head row, take the current config, let the
 * change build the next one, validate the whole of it, then write the changed rows, the revision (with the whole
 * config) and the new head. Anything that fails rolls all of it back. After the commit the snapshot is handed to the
 * publisher.
 */
@ApplicationScoped
public class ConfigStore {

    private static final Logger LOG = Logger.getLogger(ConfigStore.class);
    private static final int CHUNK = 500;

    @Inject
    SnapshotPublisher publisher;

    @Inject
    StoreOutage outage;

    /** The last head this process read or wrote; a commit checks it against the locked head row before using it. */
    private volatile Head cached = Head.EMPTY;

    /** What a change may read inside the transaction. */
    public interface Tx {
        Head head();

        /** The version (ETag) of a resource, or null when it does not exist. */
        Uni<Long> version(ResourceKind<?> kind, String name);
    }

    public Uni<Committed> commit(String author, Function<Tx, Uni<Commit>> change) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                .find(ConfigHead.class, (short) 1, LockModeType.PESSIMISTIC_WRITE)
                .chain(headRow -> headOf(session, headRow.revision))
                .chain(head -> change.apply(txOf(session, head))
                        .chain(commit -> write(session, author, head, commit)))))
                .invoke(done -> {
                    outage.succeeded();
                    if (done.applied()) {
                        cached = done.head();
                        publisher.publish(done.head());
                    }
                });
    }

    private Uni<Committed> write(Mutiny.Session session, String author, Head head, Commit commit) {
        SwitchboardConfig next = commit.config();
        List<ConfigError> errors = new ArrayList<>(commit.errors());
        errors.addAll(ConfigValidator.validate(next));
        errors.addAll(ControlPlaneRules.validate(next));
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ApiProblem.forInvalidConfig(errors, commit.scope()));
        }
        List<Change> changes = ConfigChanges.between(head.config(), next, true);
        if (changes.isEmpty() || commit.dryRun()) {
            return Uni.createFrom().item(new Committed(head.revision(), head.revision(), false, changes, head));
        }
        long revision = head.revision() + 1;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Head written = new Head(revision, now, next);
        RevisionRow row = new RevisionRow();
        row.revision = revision;
        row.createdAt = now;
        row.author = author;
        row.summary = commit.summary();
        row.changeCount = changes.size();
        row.changes = json(changes.stream().map(Change::withoutFields).toList());
        row.config = ConfigCodec.writeJson(next, null);
        return writeRows(session, author, revision, now, head.config(), next, changes)
                .chain(() -> session.persist(row))
                .chain(() -> session.createMutationQuery("update ConfigHead set revision = :r where id = 1")
                        .setParameter("r", revision).executeUpdate())
                .chain(session::flush)
                .invoke(() -> LOG.infof("revision %d by %s: %s (%d changes)", revision, author, commit.summary(),
                        changes.size()))
                .replaceWith(new Committed(revision, head.revision(), true, changes, written));
    }

    private Uni<Void> writeRows(Mutiny.Session session, String author, long revision, Instant now,
                                SwitchboardConfig before, SwitchboardConfig after, List<Change> changes) {
        List<Uni<?>> steps = new ArrayList<>();
        for (ResourceKind<?> kind : ResourceKind.ALL) {
            Map<String, ?> now_ = kind.entries(after);
            List<String> deleted = new ArrayList<>();
            List<ResourceRow> created = new ArrayList<>();
            List<Change> updated = new ArrayList<>();
            for (Change c : changes) {
                if (!c.kind().equals(kind.section())) {
                    continue;
                }
                switch (c.op()) {
                    case DELETED -> deleted.add(c.name());
                    case UPDATED -> updated.add(c);
                    case CREATED -> created.add(newRow(kind, c.name(), now_.get(c.name()), revision, now, author));
                }
            }
            for (List<String> chunk : chunks(deleted)) {
                steps.add(session.createMutationQuery("delete from " + kind.entity() + " where name in :names")
                        .setParameter("names", chunk).executeUpdate());
            }
            for (Change c : updated) {
                steps.add(session.createMutationQuery("update " + kind.entity()
                                + " set body = :body, version = :version, updatedAt = :at, updatedBy = :by"
                                + " where name = :name")
                        .setParameter("body", json(now_.get(c.name())))
                        .setParameter("version", revision)
                        .setParameter("at", now)
                        .setParameter("by", author)
                        .setParameter("name", c.name())
                        .executeUpdate());
            }
            for (List<ResourceRow> chunk : chunks(created)) {
                steps.add(session.persistAll(chunk.toArray()).chain(session::flush));
            }
        }
        return Multi.createFrom().iterable(steps)
                .onItem().transformToUniAndConcatenate(step -> step)
                .collect().last().replaceWithVoid();
    }

    private static ResourceRow newRow(ResourceKind<?> kind, String name, Object value, long revision, Instant now,
                                      String author) {
        ResourceRow row = kind.newRow();
        row.name = name;
        row.body = json(value);
        row.version = revision;
        row.createdAt = now;
        row.updatedAt = now;
        row.updatedBy = author;
        if (row instanceof Rows.ModelRow model) {
            model.account = name.substring(0, name.indexOf('/'));
        }
        return row;
    }

    private static <T> List<List<T>> chunks(List<T> items) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += CHUNK) {
            out.add(items.subList(i, Math.min(items.size(), i + CHUNK)));
        }
        return out;
    }

    private Tx txOf(Mutiny.Session session, Head head) {
        return new Tx() {
            @Override
            public Head head() {
                return head;
            }

            @Override
            public Uni<Long> version(ResourceKind<?> kind, String name) {
                return session.createSelectionQuery("select version from " + kind.entity() + " where name = :name",
                                Long.class)
                        .setParameter("name", name)
                        .getSingleResultOrNull();
            }
        };
    }

    /** The config of a revision: from memory when it is the one this process last saw, else from its row. */
    private Uni<Head> headOf(Mutiny.Session session, long revision) {
        Head known = cached;
        if (known.revision() == revision) {
            return Uni.createFrom().item(known);
        }
        return revision(session, revision).invoke(head -> cached = head);
    }

    private static Uni<Head> revision(Mutiny.Session session, long revision) {
        if (revision == 0) {
            return Uni.createFrom().item(Head.EMPTY);
        }
        return session.createSelectionQuery("select createdAt, config from RevisionRow where revision = :r",
                        Object[].class)
                .setParameter("r", revision)
                .getSingleResultOrNull()
                .map(row -> row == null ? null
                        : new Head(revision, (Instant) row[0], ConfigCodec.readJson((String) row[1])));
    }

    // ---- reads

    /** The current head, as committed. */
    public Uni<Head> head() {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createSelectionQuery("select revision from ConfigHead where id = 1", Long.class)
                .getSingleResult()
                .chain(revision -> headOf(session, revision))))
                .invoke(outage::succeeded);
    }

    /** A committed revision's config, or null when there is no such revision. */
    public Uni<Head> revision(long revision) {
        if (revision == cached.revision()) {
            return Uni.createFrom().item(cached);
        }
        return Panache.withSession(() -> Panache.getSession().chain(session -> revision(session, revision)));
    }

    public Uni<ResourceRow> row(ResourceKind<?> kind, String name) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createSelectionQuery("from " + kind.entity() + " where name = :name", kind.rowType())
                .setParameter("name", name)
                .getSingleResultOrNull()
                .map(r -> (ResourceRow) r)))
                .invoke(outage::succeeded);
    }

    /** Up to {@code limit} rows whose name sorts after {@code after}, by name. */
    public Uni<List<ResourceRow>> rows(ResourceKind<?> kind, String after, int limit) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createSelectionQuery("from " + kind.entity() + " where name > :after order by name", kind.rowType())
                .setParameter("after", after == null ? "" : after)
                .setMaxResults(limit)
                .getResultList()
                .map(list -> list.stream().map(r -> (ResourceRow) r).toList())))
                .invoke(outage::succeeded);
    }

    /**
     * Up to {@code limit} rows whose name contains {@code text} (any case) and sorts after {@code after}, by name. The
     * name index gives the order; the match is checked row by row along it, so a page costs the rows read until it is
     * full: a few when matches are common, the whole table when they are rare.
     */
    public Uni<List<ResourceRow>> search(ResourceKind<?> kind, String text, String after, int limit) {
        String pattern = "%" + text.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_") + "%";
        return Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createSelectionQuery("from " + kind.entity() + " where name > :after and lower(name) like :pattern"
                        + " escape '\\' order by name", kind.rowType())
                .setParameter("after", after == null ? "" : after)
                .setParameter("pattern", pattern)
                .setMaxResults(limit)
                .getResultList()
                .map(list -> list.stream().map(r -> (ResourceRow) r).toList())))
                .invoke(outage::succeeded);
    }

    /** The models of one account, by name. */
    public Uni<List<Rows.ModelRow>> models(String account, String after, int limit) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createSelectionQuery("from ModelRow where account = :account and name > :after order by name",
                        Rows.ModelRow.class)
                .setParameter("account", account)
                .setParameter("after", after == null ? "" : after)
                .setMaxResults(limit)
                .getResultList()));
    }

    /** Revision summaries, newest first, below {@code before} (all when null). */
    public Uni<List<RevisionRow>> revisions(Long before, int limit) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createSelectionQuery("select new " + RevisionRow.class.getName()
                        + "(revision, createdAt, author, summary, changeCount) from RevisionRow"
                        + " where revision < :before order by revision desc", RevisionRow.class)
                .setParameter("before", before == null ? Long.MAX_VALUE : before)
                .setMaxResults(limit)
                .getResultList()));
    }

    /** One revision's log entry (who, when, what) without its config, or null. */
    public Uni<RevisionRow> revisionEntry(long revision) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createSelectionQuery("select new " + RevisionRow.class.getName()
                        + "(revision, createdAt, author, summary, changeCount, changes) from RevisionRow"
                        + " where revision = :r", RevisionRow.class)
                .setParameter("r", revision)
                .getSingleResultOrNull()));
    }

    private static String json(Object value) {
        try {
            return ConfigJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Only a clear secret can get here, and the message would not carry it.
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage());
        }
    }
}
