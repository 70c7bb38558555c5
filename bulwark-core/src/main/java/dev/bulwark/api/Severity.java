package dev.bulwark.api;

/** How bad a lint finding is; ordered, so a threshold of WARNING means warning or worse. */
public enum Severity {
    INFO, WARNING, ERROR;

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
