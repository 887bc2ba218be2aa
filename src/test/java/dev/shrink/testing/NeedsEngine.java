package dev.shrink.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class or method that runs podman (fixture images, containers) or the local registry
 * (docker-registry): tagged {@code engine}, so that {@code mvn -B verify -DexcludedGroups=engine}
 * runs the rest, which needs neither.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("engine")
public @interface NeedsEngine {}
