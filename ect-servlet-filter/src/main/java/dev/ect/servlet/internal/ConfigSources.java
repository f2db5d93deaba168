package dev.ect.servlet.internal;

import dev.ect.core.EctSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The two lower-precedence configuration sources of the filter, init-params over environment
 * variables, with errors that name where a bad value came from.
 */
public final class ConfigSources {
    private final Map<String, String> initParams;
    private final Map<String, String> env;

    /** A value and the name of the place it came from ({@code init-param ect.x} / {@code environment variable ECT_X}). */
    public record Value(String value, String source) {
        /** An {@link IllegalArgumentException} naming this value's source. */
        public IllegalArgumentException invalid(String why, Throwable cause) {
            return new IllegalArgumentException(source + "=" + value + " is invalid: " + why, cause);
        }
    }

    public ConfigSources(Map<String, String> initParams, Map<String, String> env) {
        this.initParams = new LinkedHashMap<>(initParams);
        this.env = Objects.requireNonNull(env, "env");
    }

    /** Fails on an init-param that starts with {@code ect.} but is not one the filter knows (a typo). */
    public void checkNoUnknownInitParams() {
        for (String name : initParams.keySet()) {
            if (name.startsWith("ect.") && Param.byInitParam(name).isEmpty()) {
                throw new IllegalArgumentException("unknown init-param " + name + " (known: " + Param.knownInitParams() + ")");
            }
        }
    }

    /** The init-param if set and not blank, else the environment variable if set and not blank. */
    public Optional<Value> get(Param p) {
        String v = initParams.get(p.initParam());
        if (v != null && !v.isBlank()) {
            return Optional.of(new Value(v.trim(), "init-param " + p.initParam()));
        }
        v = env.get(p.env());
        if (v != null && !v.isBlank()) {
            return Optional.of(new Value(v.trim(), "environment variable " + p.env()));
        }
        return Optional.empty();
    }

    /** True when the init-param or the variable is present at all, even blank. */
    public boolean isPresent(Param p) {
        return initParams.containsKey(p.initParam()) || env.containsKey(p.env());
    }

    /**
     * The {@link EctSettings} from both sources, each setting taken from the init-param if set,
     * else the environment, else its default. Each value is checked alone first, so the error names
     * the init-param or variable it came from.
     */
    public EctSettings settings() {
        Map<String, String> merged = new HashMap<>();
        for (Param p : Param.values()) {
            if (!p.isSetting()) {
                continue;
            }
            Optional<Value> v = get(p);
            if (v.isPresent()) {
                try {
                    EctSettings.fromEnvironment(Map.of(p.env(), v.get().value()));
                } catch (IllegalArgumentException e) {
                    Throwable why = e.getCause() != null ? e.getCause() : e;
                    throw v.get().invalid(why.getMessage(), e);
                }
                merged.put(p.env(), v.get().value());
            }
        }
        return EctSettings.fromEnvironment(merged);
    }
}
