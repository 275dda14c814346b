package io.carp.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The main classes of every carp4j module, told apart by where they were loaded from (the module's
 * {@code target/classes} directory or its jar): a module is a jar, not a package prefix, so that a class put in the
 * wrong module is caught too.
 */
final class Modules {
    /** Main classes of every module on the test class path (no test classes, no fixtures). */
    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("/carp-architecture-tests/"))
            .importPackages("io.carp");

    private Modules() {
    }

    /** The classes loaded from the module's directory or jar, e.g. {@code carp-api}. */
    static DescribedPredicate<JavaClass> in(String module) {
        return DescribedPredicate.describe("in module " + module, c -> from(c, module));
    }

    /** The classes of none of these modules. */
    static DescribedPredicate<JavaClass> outside(String... modules) {
        return DescribedPredicate.describe("outside " + String.join(", ", modules), c -> {
            for (String m : modules) {
                if (from(c, m)) {
                    return false;
                }
            }
            return true;
        });
    }

    private static boolean from(JavaClass c, String module) {
        return c.getSource().map(s -> {
            String uri = s.getUri().toString();
            return uri.contains("/" + module + "/target/") || uri.contains("/" + module + "-");
        }).orElse(false);
    }
}
