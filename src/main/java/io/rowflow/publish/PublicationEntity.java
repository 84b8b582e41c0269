package io.rowflow.publish;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A flow destination's secret URL. */
@Entity
@Table(name = "publication")
public class PublicationEntity {
    @Id
    public UUID id;

    @Column(name = "flow_id")
    public UUID flowId;

    @Column(name = "destination_index")
    public int destinationIndex;

    /** SHA-256 (hex) of the URL's token: what a request is looked up by. */
    @Column(name = "token_hash")
    public String tokenHash;

    /** The token, encrypted and bound to this row, so that the URL can be shown again. */
    @Column(name = "token_ciphertext")
    public String tokenCiphertext;

    @Column(name = "created_at")
    public Instant createdAt;
}
