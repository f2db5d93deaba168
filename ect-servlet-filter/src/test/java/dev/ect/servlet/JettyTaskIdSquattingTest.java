package dev.ect.servlet;

/** {@link TaskIdSquattingContainerSuite} on embedded Jetty 12 (ee10). */
class JettyTaskIdSquattingTest extends TaskIdSquattingContainerSuite {
    @Override
    protected TestContainer.Factory containerFactory() { return JettyContainer::start; }
}
