package keyward.http;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.util.List;
import keyward.store.PoolUsage;

/**
 * The JVM, process and connection-pool series of {@code /metrics}, read from the platform MXBeans
 * and the store's pools at each scrape. Names follow the Prometheus client conventions
 * ({@code jvm_*}, {@code process_*}) so stock dashboards and alerts apply.
 */
public final class SystemMetrics {
    private SystemMetrics() {
    }

    /** Registers the JVM and process series, and in-use/waiting/size per pool ({@code pool} label). */
    public static void register(Metrics m, List<PoolUsage> pools) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        m.gauge("jvm_memory_heap_used_bytes", "Heap in use.", () -> memory.getHeapMemoryUsage().getUsed());
        m.gauge("jvm_memory_heap_committed_bytes", "Heap committed by the JVM.",
                () -> memory.getHeapMemoryUsage().getCommitted());
        m.gauge("jvm_memory_heap_max_bytes", "Largest heap the JVM may use (-Xmx); -1 if unbounded.",
                () -> memory.getHeapMemoryUsage().getMax());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String label = "{gc=\"" + escape(gc.getName()) + "\"}";
            m.counter("jvm_gc_collections_total" + label, "Garbage collections, per collector.",
                    gc::getCollectionCount);
            m.counter("jvm_gc_collection_seconds_total" + label, "Time spent in garbage collection, per collector.",
                    () -> gc.getCollectionTime() / 1e3);
        }
        m.gauge("jvm_threads_live", "Live JVM threads.", ManagementFactory.getThreadMXBean()::getThreadCount);
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        m.gauge("process_start_time_seconds", "Start of the process, seconds since the Unix epoch.",
                () -> runtime.getStartTime() / 1e3);
        m.gauge("process_uptime_seconds", "Seconds since the process started.", () -> runtime.getUptime() / 1e3);
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            m.gauge("process_open_fds", "Open file descriptors (sockets included).", unix::getOpenFileDescriptorCount);
            m.gauge("process_max_fds", "Limit on open file descriptors (LimitNOFILE).",
                    unix::getMaxFileDescriptorCount);
        }
        for (PoolUsage p : pools) {
            String label = "{pool=\"" + escape(p.name()) + "\"}";
            m.gauge("keyward_pool_in_use" + label, "Database connections lent out, per pool.", p::inUse);
            m.gauge("keyward_pool_waiting" + label, "Threads waiting for a database connection, per pool.", p::waiting);
            m.gauge("keyward_pool_size" + label, "Database connections a pool may hold.", p::size);
        }
    }

    /** A Prometheus label value: backslash, quote and newline escaped. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
