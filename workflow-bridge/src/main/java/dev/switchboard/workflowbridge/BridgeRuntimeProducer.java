package dev.switchboard.workflowbridge;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

class BridgeRuntimeProducer {

    @Produces
    @Singleton
    BridgeRuntime runtime() {
        return BridgeRuntime.system();
    }
}
