package dev.ect.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.context.TaskContext;
import dev.ect.core.ledger.LedgerEntry;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

class ConcurrencyTest {
    static final int AGENTS = 8;
    static final int CALLS = 50;

    @Test
    @DisplayName("V-14, F-02, F-05: 8 agents x 50 tool calls in parallel on one server: every ECT accepted once, every handler in its own task")
    void eightAgentsFiftyCallsEach() throws Exception {
        try (Agents agents = new Agents()) {
            for (int a = 0; a < AGENTS; a++) {
                agents.key("agent-" + a);
            }
            AtomicInteger wrongContext = new AtomicInteger();
            Map<String, String> handledBy = new ConcurrentHashMap<>();
            Agents.ToolServer server = agents.server("echo", Map.of("echo", (ex, req) -> {
                TaskContext current = TaskContext.current().orElse(null);
                TaskContext mine = EctMcp.taskContext(ex).orElse(null);
                if (current == null || current != mine || !current.inbound().jti().equals(EctMcp.verifiedEct(ex).get().ect().jti())) {
                    wrongContext.incrementAndGet();
                }
                handledBy.put(current.inbound().jti(), Thread.currentThread().getName());
                // the text tells the caller which task the server saw: wid|pred
                return Agents.text(current.wid() + "|" + String.join(",", current.inbound().pred()));
            }));
            ExecutorService pool = Executors.newFixedThreadPool(AGENTS);
            List<Future<Integer>> results = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            List<McpSyncClient> clients = new ArrayList<>();
            List<EctMcpClient> ects = new ArrayList<>();
            for (int a = 0; a < AGENTS; a++) {
                EctMcpClient ect = agents.ectClient("agent-" + a, server);
                ects.add(ect);
                clients.add(agents.client(ect, server));
            }
            for (int a = 0; a < AGENTS; a++) {
                McpSyncClient client = clients.get(a);
                results.add(pool.submit(() -> {
                    go.await();
                    TaskContext task = TaskContext.root();
                    int right = 0;
                    try (TaskContext.Scope s = task.makeCurrent()) {
                        for (int i = 0; i < CALLS; i++) {
                            List<String> before = task.frontier();
                            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("i", i)));
                            if (Agents.text(r).equals(task.wid() + "|" + String.join(",", before))) {
                                right++;
                            }
                        }
                    }
                    return right;
                }));
            }
            go.countDown();
            int right = 0;
            for (Future<Integer> f : results) {
                right += f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(right).isEqualTo(AGENTS * CALLS);
            assertThat(wrongContext).hasValue(0);
            assertThat(ects).allMatch(e -> e.pendingRequests() == 0); // every minted request's answer was seen
            List<LedgerEntry> requests = agents.ledger.entries().stream()
                    .filter(e -> e.execAct().equals("mcp.tools.call.echo") && e.iss().startsWith(Agents.PREFIX + "agent-"))
                    .collect(Collectors.toList());
            assertThat(requests).hasSize(AGENTS * CALLS);
            assertThat(requests.stream().map(LedgerEntry::jti).distinct().count()).isEqualTo(AGENTS * CALLS);
            assertThat(handledBy).hasSize(AGENTS * CALLS);
            assertThat(agents.ledger.entries()).hasSize(2 * AGENTS * CALLS); // every request and every answer once
            // the SDK's pooled threads keep no task context after the calls
            for (int i = 0; i < 16; i++) {
                assertThat(reactor.core.publisher.Mono.fromCallable(() -> TaskContext.current().isPresent())
                        .subscribeOn(Schedulers.boundedElastic()).block()).isFalse();
            }
        }
    }
}
