package io.rowflow.run;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A node's slots (runs, previews) shared between workspaces: one workspace holds at most {@code perWorkspace} of the
 * node's {@code total}, so no workspace can starve another by starting many long jobs.
 */
final class WorkspaceSlots {
    private final int total;
    private final int perWorkspace;
    private final Map<UUID, Integer> held = new HashMap<>();
    private int inUse;

    WorkspaceSlots(int total, int perWorkspace) {
        this.total = total;
        this.perWorkspace = Math.max(1, Math.min(total, perWorkspace));
    }

    /** Takes a slot for the workspace if both the node and the workspace have one free. */
    synchronized boolean tryTake(UUID workspace) {
        int mine = held.getOrDefault(workspace, 0);
        if (mine >= perWorkspace || inUse >= total) {
            return false;
        }
        held.put(workspace, mine + 1);
        inUse++;
        return true;
    }

    /** Waits up to {@code millis} for a slot; false when none came free in time. */
    synchronized boolean take(UUID workspace, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!tryTake(workspace)) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    synchronized void release(UUID workspace) {
        Integer mine = held.get(workspace);
        if (mine == null) {
            return;
        }
        if (mine <= 1) {
            held.remove(workspace);
        } else {
            held.put(workspace, mine - 1);
        }
        inUse--;
        notifyAll();
    }

    synchronized int held(UUID workspace) {
        return held.getOrDefault(workspace, 0);
    }
}
