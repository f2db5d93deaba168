package dev.ect.redis;

import java.util.List;
import java.util.UUID;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The machine's shared Redis (127.0.0.1:6379), used with a key prefix unique to each test class. */
final class TestRedis {
    static final String URL = "redis://127.0.0.1:6379";

    private TestRedis() {}

    static String uniquePrefix(Class<?> testClass) {
        return "ect:test:" + testClass.getSimpleName() + ":" + UUID.randomUUID() + ":";
    }

    static Jedis connect() { return new Jedis("127.0.0.1", 6379, 2000); }

    /** Deletes every key under the prefix (test clean-up); returns how many. */
    static long deleteAll(String prefix) {
        long n = 0;
        try (Jedis j = connect()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> r = j.scan(cursor, new ScanParams().match(prefix + "*").count(500));
                List<String> keys = r.getResult();
                if (!keys.isEmpty()) {
                    n += j.del(keys.toArray(new String[0]));
                }
                cursor = r.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return n;
    }
}
