package dev.ect.servlet;

/** {@link TextSafetyContainerSuite} on embedded Jetty 12 (ee10). */
class JettyTextSafetyTest extends TextSafetyContainerSuite {
    @Override
    protected TestContainer.Factory containerFactory() { return JettyContainer::start; }
}
