package io.trellis.lab;

import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs the test classes that share the lab ({@link SharedLab}) one after another, after all others, which keep
 * their order: a class with a lab of its own shape in between would take the shared lab down, and the next
 * sharing class would pay for bringing it up again.
 */
public final class SharedLabLast implements ClassOrderer {
    @Override
    public void orderClasses(ClassOrdererContext context) {
        // List.sort is stable: the classes on each side stay in the order they came in.
        context.getClassDescriptors().sort(Comparator.comparing(d -> sharesTheLab(d.getTestClass())));
    }

    static boolean sharesTheLab(Class<?> testClass) {
        return AnnotationSupport.findRepeatableAnnotations(testClass, ExtendWith.class).stream()
                .anyMatch(e -> Arrays.asList(e.value()).contains(SharedLab.class));
    }
}
