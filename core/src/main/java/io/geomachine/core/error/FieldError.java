package io.geomachine.core.error;

/** What is wrong with one named field of a request. */
public record FieldError(String field, String message) {}
