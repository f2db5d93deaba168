package dev.ect.servlet;

/** {@link TaskIdSquattingContainerSuite} on embedded Tomcat 11. */
class TomcatTaskIdSquattingTest extends TaskIdSquattingContainerSuite {
    @Override
    protected TestContainer.Factory containerFactory() { return TomcatContainer::start; }
}
