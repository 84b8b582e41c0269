package io.rowflow.connector.declarative;

import io.rowflow.common.registry.IdRegistry;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The Java components manifests may name, by their ids. */
@Singleton
public class StreamComponents extends IdRegistry<StreamComponent> {
    @Inject
    public StreamComponents(Instance<StreamComponent> components) {
        super("stream component", components, StreamComponent::id);
    }

    /** Components given as they are (a test's), outside the application. */
    StreamComponents(Iterable<StreamComponent> components) {
        super("stream component", components, StreamComponent::id);
    }
}
