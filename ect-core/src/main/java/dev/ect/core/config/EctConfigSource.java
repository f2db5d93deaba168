package dev.ect.core.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where option values come from: the environment, {@code web.xml} init-params, Spring properties,
 * command-line options. Layer several with {@link #or(EctConfigSource)}: the first source that has
 * a non-blank value for an option wins.
 *
 * <pre>{@code
 * EctConfigSource src = EctConfigSource.properties("init-param", initParams)
 *         .or(EctConfigSource.environment(System.getenv()));
 * try (EctRuntime rt = EctConfig.from(src).open(Clock.systemUTC())) { ... }
 * }</pre>
 */
public interface EctConfigSource {
    /** The option's value, trimmed; empty when it is unset or blank. */
    Optional<String> get(EctOption option);

    /**
     * Where this source keeps the option, for messages: {@code environment variable ECT_X},
     * {@code init-param ect.x}, {@code property ect.x}, {@code option --x}. A layered source names
     * the layer that holds the value, or all layers ({@code "... or ..."}) when none does.
     */
    String describe(EctOption option);

    /**
     * Which layer holds the option's value: 0 for this source (or the first layer of a layered
     * one), 1 for the next, ...; -1 when none does. {@link EctConfig} uses it where two options are
     * one choice (a ledger file or a ledger URL): the higher layer wins.
     */
    default int layerOf(EctOption option) { return get(option).isPresent() ? 0 : -1; }

    /** This source over {@code lower}: an option this source does not set is read from {@code lower}. */
    default EctConfigSource or(EctConfigSource lower) {
        Objects.requireNonNull(lower, "lower cannot be null");
        List<EctConfigSource> layers = new ArrayList<>();
        Sources.flatten(this, layers);
        Sources.flatten(lower, layers);
        return new Sources.Layered(layers);
    }

    /** Environment variables ({@link System#getenv()} or a map of your own), by {@link EctOption#env()}. */
    static EctConfigSource environment(Map<String, String> env) {
        Objects.requireNonNull(env, "env cannot be null");
        Map<String, String> copy = Map.copyOf(env);
        return new Sources.Leaf(o -> copy.get(o.env()), o -> "environment variable " + o.env());
    }

    /**
     * Values by property name ({@code ect.verifier-id}, {@link EctOption#property()}), described as
     * {@code kind + " " + name}, e.g. {@code init-param ect.verifier-id}. Names that do not start with
     * {@code ect.} are ignored (other init-params of the same filter).
     *
     * @param kind what the names are, e.g. {@code "init-param"} or {@code "property"}
     * @throws EctConfigException for a name that starts with {@code ect.} but is no option (a typo),
     *     naming the known ones
     */
    static EctConfigSource properties(String kind, Map<String, String> byPropertyName) {
        Objects.requireNonNull(kind, "kind cannot be null");
        Objects.requireNonNull(byPropertyName, "byPropertyName cannot be null");
        Map<EctOption, String> values = new EnumMap<>(EctOption.class);
        byPropertyName.forEach((name, value) -> {
            if (name == null || !name.startsWith("ect.")) {
                return;
            }
            EctOption o = EctOption.byProperty(name).orElseThrow(() -> new EctConfigException(null,
                    "unknown " + kind + " " + name + " (known: " + EctOption.knownProperties() + ")"));
            if (value != null) {
                values.put(o, value);
            }
        });
        return new Sources.Leaf(values::get, o -> kind + " " + o.property());
    }

    /**
     * Values of your own, e.g. parsed command-line options, with how each is named in messages.
     *
     * @param describe e.g. {@code o -> "option --trust"}
     */
    static EctConfigSource of(Map<EctOption, String> values, Function<EctOption, String> describe) {
        Objects.requireNonNull(values, "values cannot be null");
        Objects.requireNonNull(describe, "describe cannot be null");
        Map<EctOption, String> copy = values.isEmpty() ? Map.of() : new EnumMap<>(values);
        return new Sources.Leaf(copy::get, describe);
    }

    /** A source without values (every option at its default). */
    static EctConfigSource empty() { return of(Map.of(), o -> "option " + o.property()); }
}
