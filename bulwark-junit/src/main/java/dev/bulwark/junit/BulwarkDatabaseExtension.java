package dev.bulwark.junit;

import dev.bulwark.pg.ConnectionSpec;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.logging.Logger;

/** The extension behind {@link BulwarkDatabase}: a cloned, migrated database per test class. */
public final class BulwarkDatabaseExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(BulwarkDatabaseExtension.class);

    /** The database of one test class. */
    record ClassDatabase(String name, long cloneMillis, DataSource dataSource) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        BulwarkDatabase annotation = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), BulwarkDatabase.class)
                .orElseThrow(() -> new IllegalStateException("@BulwarkDatabase is missing on " + context.getRequiredTestClass()));
        String template = EmbeddedDatabases.template(List.of(annotation.locations()), annotation.contractPhase(),
                context.getRequiredTestClass().getClassLoader());
        long start = System.nanoTime();
        String name = EmbeddedDatabases.cloneOf(template);
        long millis = (System.nanoTime() - start) / 1_000_000;
        ClassDatabase db = new ClassDatabase(name, millis, new SpecDataSource(EmbeddedDatabases.server().connection(name)));
        context.getStore(NS).put(ClassDatabase.class, db);
        context.publishReportEntry("bulwark.database", name + " cloned from " + template + " in " + millis + " ms");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ClassDatabase db = context.getStore(NS).remove(ClassDatabase.class, ClassDatabase.class);
        if (db != null) {
            EmbeddedDatabases.drop(db.name());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == DataSource.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return classDatabase(context).dataSource();
    }

    /** The test class's database (its name and how long the clone took), for tests of the extension itself. */
    static ClassDatabase classDatabase(ExtensionContext context) {
        ExtensionContext c = context;
        while (c != null) {
            ClassDatabase db = c.getStore(NS).get(ClassDatabase.class, ClassDatabase.class);
            if (db != null) {
                return db;
            }
            c = c.getParent().orElse(null);
        }
        throw new IllegalStateException("no @BulwarkDatabase database for " + context.getDisplayName());
    }

    /** A plain DataSource over the embedded server's settings: a new connection per call. */
    private static final class SpecDataSource implements DataSource {
        private final ConnectionSpec spec;

        SpecDataSource(ConnectionSpec spec) {
            this.spec = spec;
        }

        @Override
        public Connection getConnection() {
            return spec.open("bulwark-junit-test");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLException("this DataSource connects as the embedded server's superuser only");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }

        @Override
        public String toString() {
            return "DataSource[" + spec.masked() + "]";
        }
    }
}
