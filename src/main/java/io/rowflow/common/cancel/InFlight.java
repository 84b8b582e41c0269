package io.rowflow.common.cancel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each thread is blocked on outside Java's reach — an HTTP exchange, a DuckDB statement — and how to break it.
 * A socket read and a native query both ignore {@link Thread#interrupt()}, so stopping a run (cancel, time limit, a
 * deleted flow, shutdown) interrupts its thread and also aborts the one call it waits on, at once.
 */
public final class InFlight {
    private static final Map<Thread, Runnable> ABORTS = new ConcurrentHashMap<>();

    private InFlight() {
    }

    /** The current thread's registration of a call; closing it (in a finally) forgets the call. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Registers how to abort the call the current thread is about to make. An interrupt that came before is honoured:
     * the abort runs at once, so a call started after a stop ends at its first check.
     */
    public static Registration register(Runnable abort) {
        Thread current = Thread.currentThread();
        ABORTS.put(current, abort);
        if (current.isInterrupted()) {
            abort.run();
        }
        return () -> ABORTS.remove(current, abort);
    }

    /** Interrupts the thread and aborts the call it is blocked on, if any. */
    public static void interrupt(Thread thread) {
        thread.interrupt();
        Runnable abort = ABORTS.get(thread);
        if (abort != null) {
            abort.run();
        }
    }
}
