package dev.ect.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The two kinds of {@link EctConfigSource}: one map, and layers of them. */
final class Sources {
    private Sources() {}

    static void flatten(EctConfigSource s, List<EctConfigSource> out) {
        if (s instanceof Layered l) {
            out.addAll(l.layers);
        } else {
            out.add(s);
        }
    }

    static Optional<String> clean(String v) {
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(v.trim());
    }

    record Leaf(Function<EctOption, String> values, Function<EctOption, String> names) implements EctConfigSource {
        @Override
        public Optional<String> get(EctOption option) { return clean(values.apply(option)); }

        @Override
        public String describe(EctOption option) { return names.apply(option); }
    }

    static final class Layered implements EctConfigSource {
        private final List<EctConfigSource> layers;

        Layered(List<EctConfigSource> layers) { this.layers = List.copyOf(layers); }

        @Override
        public Optional<String> get(EctOption option) {
            for (EctConfigSource s : layers) {
                Optional<String> v = s.get(option);
                if (v.isPresent()) {
                    return v;
                }
            }
            return Optional.empty();
        }

        @Override
        public int layerOf(EctOption option) {
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i).get(option).isPresent()) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public String describe(EctOption option) {
            int i = layerOf(option);
            if (i >= 0) {
                return layers.get(i).describe(option);
            }
            List<String> all = new ArrayList<>();
            layers.forEach(s -> all.add(s.describe(option)));
            return String.join(" or ", all);
        }
    }
}
