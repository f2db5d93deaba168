package dev.ect.httpclient.internal;

import dev.ect.core.client.EctClientConfig;
import dev.ect.httpclient.ExecActResolver;

/**
 * The validated options of one {@code EctHttp}: the options every HTTP client
 * integration shares ({@link EctClientConfig}), the exec_act resolver over {@code HttpRequest},
 * and the redirect bound.
 */
public record EctConfig(EctClientConfig client, ExecActResolver execAct, int maxRedirects) {}
