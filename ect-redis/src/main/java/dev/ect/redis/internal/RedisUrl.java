package dev.ect.redis.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import redis.clients.jedis.HostAndPort;

/**
 * A parsed Sentinel or Cluster URL (several hosts, which {@link java.net.URI} cannot hold). Not
 * API. Forms:
 * <pre>
 * redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/masterName[?options]   (port default 26379)
 * redis-cluster://[[user]:password@]host[:port][,host[:port]...][?options]               (port default 6379)
 * </pre>
 * {@code rediss-sentinel://} and {@code rediss-cluster://} for TLS. The user and password are
 * the data nodes' (the master's); they never appear in messages or {@link #toString()}.
 */
public final class RedisUrl {
    /** What the URL points at. */
    public enum Mode { SINGLE, SENTINEL, CLUSTER }

    private final Mode mode;
    private final boolean tls;
    private final List<HostAndPort> nodes;
    private final String masterName;
    private final String user;
    private final String password;
    private final String rawQuery;

    private RedisUrl(Mode mode, boolean tls, List<HostAndPort> nodes, String masterName, String user, String password,
            String rawQuery) {
        this.mode = mode;
        this.tls = tls;
        this.nodes = List.copyOf(nodes);
        this.masterName = masterName;
        this.user = user;
        this.password = password;
        this.rawQuery = rawQuery;
    }

    /** The mode of a URL's scheme; {@link Mode#SINGLE} for {@code redis://}/{@code rediss://} and anything else. */
    public static Mode modeOf(String url) {
        String s = schemeOf(url);
        if (s.equals("redis-sentinel") || s.equals("rediss-sentinel")) {
            return Mode.SENTINEL;
        }
        if (s.equals("redis-cluster") || s.equals("rediss-cluster")) {
            return Mode.CLUSTER;
        }
        return Mode.SINGLE;
    }

    private static String schemeOf(String url) {
        int i = url.indexOf("://");
        return i < 0 ? "" : url.substring(0, i).toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a {@code redis[s]-sentinel://} or {@code redis[s]-cluster://} URL.
     *
     * @throws IllegalArgumentException naming what is wrong (never showing the password)
     */
    public static RedisUrl parse(String url) {
        String u = url.trim();
        Mode mode = modeOf(u);
        if (mode == Mode.SINGLE) {
            throw new IllegalArgumentException("not a Sentinel or Cluster URL");
        }
        String scheme = schemeOf(u);
        String rest = u.substring(scheme.length() + 3);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String info = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = info.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("the Redis URL's user info must be [user]:password");
            }
            user = colon == 0 ? null : decode(info.substring(0, colon));
            password = decode(info.substring(colon + 1));
        }
        int defaultPort = mode == Mode.SENTINEL ? 26379 : 6379;
        List<HostAndPort> nodes = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String h : authority.split(",", -1)) {
            HostAndPort hp = hostAndPort(h.trim(), defaultPort, scheme);
            if (seen.add(hp.toString())) {
                nodes.add(hp);
            }
        }
        String master = null;
        if (mode == Mode.SENTINEL) {
            if (path.isEmpty() || path.contains("/")) {
                throw new IllegalArgumentException("a " + scheme + ":// URL names the master after the hosts: "
                        + scheme + "://host1:26379,host2:26379/mymaster");
            }
            master = decode(path);
        } else if (!path.isEmpty()) {
            throw new IllegalArgumentException("a " + scheme + ":// URL has no path (a cluster has only database 0)");
        }
        return new RedisUrl(mode, scheme.startsWith("rediss"), nodes, master, user, password, query);
    }

    private static HostAndPort hostAndPort(String h, int defaultPort, String scheme) {
        if (h.isEmpty()) {
            throw new IllegalArgumentException("the " + scheme + ":// URL has an empty host");
        }
        String host;
        String port = null;
        if (h.startsWith("[")) { // IPv6 literal
            int end = h.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("the " + scheme + ":// URL has an unclosed IPv6 address");
            }
            host = h.substring(1, end);
            if (end + 1 < h.length()) {
                if (h.charAt(end + 1) != ':') {
                    throw new IllegalArgumentException("the " + scheme + ":// URL has a malformed host: " + h);
                }
                port = h.substring(end + 2);
            }
        } else {
            int colon = h.lastIndexOf(':');
            host = colon < 0 ? h : h.substring(0, colon);
            port = colon < 0 ? null : h.substring(colon + 1);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:_-]+")) {
            throw new IllegalArgumentException("the " + scheme + ":// URL has a malformed host: " + h);
        }
        int p = defaultPort;
        if (port != null) {
            if (!port.matches("[0-9]{1,5}") || (p = Integer.parseInt(port)) < 1 || p > 65535) {
                throw new IllegalArgumentException("the " + scheme + ":// URL has a bad port: " + h);
            }
        }
        return new HostAndPort(host, p);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Sentinel or Cluster. */
    public Mode mode() { return mode; }

    /** True for {@code rediss-*}. */
    public boolean tls() { return tls; }

    /** The sentinels, or the cluster's seed nodes, in URL order, without duplicates. */
    public List<HostAndPort> nodes() { return nodes; }

    /** The Sentinel master name; null for Cluster. */
    public String masterName() { return masterName; }

    /** The data nodes' ACL user, or null. */
    public String user() { return user; }

    /** The data nodes' password, or null. */
    public String password() { return password; }

    /** The raw query (options), or null. */
    public String rawQuery() { return rawQuery; }

    /** The URL without password or options, for logs and messages. */
    public String describe(int database) {
        StringBuilder sb = new StringBuilder(tls ? "rediss-" : "redis-").append(mode == Mode.SENTINEL ? "sentinel" : "cluster")
                .append("://");
        for (int i = 0; i < nodes.size(); i++) {
            HostAndPort n = nodes.get(i);
            String host = n.getHost().contains(":") ? "[" + n.getHost() + "]" : n.getHost();
            sb.append(i == 0 ? "" : ",").append(host).append(':').append(n.getPort());
        }
        if (mode == Mode.SENTINEL) {
            sb.append('/').append(masterName).append('/').append(database);
        }
        return sb.toString();
    }

    @Override public String toString() { return describe(0); }
}
