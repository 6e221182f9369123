package dev.switchboard.controlplane.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.SequenceGenerator;
import java.time.Instant;

/**
 * One resource of one kind: its name, its JSON in the common-model shape with secrets sealed, and {@code version}, the
 * revision that last changed it, which is its ETag (never reused, even after a delete and a new create).
 */
@MappedSuperclass
public abstract class ResourceRow extends PanacheEntityBase {

    @Id
    @SequenceGenerator(name = "resource_row_id", sequenceName = "resource_row_id_seq", allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "resource_row_id")
    public Long id;

    public String name;
    public long version;
    public String body;
    public Instant createdAt;
    public Instant updatedAt;
    public String updatedBy;
}
