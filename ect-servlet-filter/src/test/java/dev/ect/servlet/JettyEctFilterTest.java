package dev.ect.servlet;

/** {@link EctFilterContainerSuite} on embedded Jetty 12 (ee10). */
class JettyEctFilterTest extends EctFilterContainerSuite {
    @Override
    protected TestContainer.Factory containerFactory() { return JettyContainer::start; }
}
