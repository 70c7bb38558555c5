package dev.bulwark.testing;

import dev.bulwark.pg.ConnectionSpec;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each integration test class its own fresh database on the shared test cluster:
 * declare a {@link ConnectionSpec} or {@link TestDatabase} parameter on a test method, a
 * lifecycle method or the constructor. The database is created on first use and dropped
 * after the class (nested classes share their outer class's database).
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class LockRetryIT {
 *     @Test void retriesOn55P03(ConnectionSpec db) { ... }
 * }
 * }</pre>
 */
public final class PostgresExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ConnectionSpec.class || type == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = outermostClassContext(context);
        Class<?> testClass = classContext.getRequiredTestClass();
        try {
            TestDatabase database = classContext.getStore(NAMESPACE)
                    .getOrComputeIfAbsent(testClass, c -> new Resource(TestDatabase.create(testClass.getSimpleName())),
                            Resource.class)
                    .database();
            return parameter.getParameter().getType() == TestDatabase.class ? database : database.spec();
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot create a test database for " + testClass.getName(), e);
        }
    }

    private static ExtensionContext outermostClassContext(ExtensionContext context) {
        ExtensionContext outermost = context;
        for (ExtensionContext c = context; c.getParent().isPresent(); c = c.getParent().get()) {
            if (c.getTestClass().isPresent() && c.getTestMethod().isEmpty()) {
                outermost = c;
            }
        }
        return outermost;
    }

    /**
     * Stored per class so JUnit closes (drops) it when the class is done. Both interfaces: JUnit
     * 5.13 closes AutoCloseable values and warns about the older one; earlier versions only know it.
     */
    @SuppressWarnings("deprecation")
    private record Resource(TestDatabase database) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            database.close();
        }
    }
}
