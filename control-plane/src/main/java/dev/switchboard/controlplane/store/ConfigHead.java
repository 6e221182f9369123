package dev.switchboard.controlplane.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The single row holding the current revision; every commit locks it first, so commits are serialized. */
@Entity
@Table(name = "config_head")
public class ConfigHead extends PanacheEntityBase {

    @Id
    public short id;

    public long revision;
}
