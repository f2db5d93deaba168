package dev.ect.httpclient.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.http.HttpClient;

/**
 * Calls the delegate's lifecycle methods ({@code shutdown}, {@code shutdownNow},
 * {@code awaitTermination}, {@code isTerminated}, {@code close}), which {@link HttpClient} has
 * only from Java 21. This module is compiled for Java 17, so they are looked up at run time: on
 * {@code HttpClient} itself (Java 21+), else as public methods of the delegate's own class (a
 * delegating client written for Java 17 may have them). Absent, a call does nothing.
 */
public final class Lifecycle {
    private Lifecycle() {}

    /** The method's result, or {@code absent} when the delegate has no such method. */
    public static Object call(HttpClient delegate, Object absent, String name, Class<?>[] types, Object... args)
            throws InterruptedException {
        Method m = find(delegate, name, types);
        if (m == null) {
            return absent;
        }
        try {
            return m.invoke(delegate, args);
        } catch (IllegalAccessException e) {
            return absent; // a public method of a class in a package that is not exported
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException ie) {
                throw ie;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("HttpClient." + name + " failed", cause);
        }
    }

    private static Method find(HttpClient delegate, String name, Class<?>[] types) {
        try {
            return HttpClient.class.getMethod(name, types);
        } catch (NoSuchMethodException e) {
            try {
                return delegate.getClass().getMethod(name, types);
            } catch (NoSuchMethodException e2) {
                return null;
            }
        }
    }
}
