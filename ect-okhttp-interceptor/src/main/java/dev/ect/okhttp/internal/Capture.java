package dev.ect.okhttp.internal;

import dev.ect.core.context.TaskContext;
import java.util.List;

/**
 * What a call captured when it was created (F-02): the task context current on the creating
 * thread and a snapshot of its frontier; {@code context} is null when none was current.
 */
record Capture(TaskContext context, List<String> frontier) {
    static final Capture NONE = new Capture(null, List.of());

    /** The context current on this thread now, with its frontier (F-02). */
    static Capture current() {
        return TaskContext.current().map(c -> new Capture(c, c.frontier())).orElse(NONE);
    }
}
