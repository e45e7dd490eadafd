package com.zeroui.kms.backup;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The backup body: every table as a section of typed values, independent of the engine it came
 * from, so a SQLite backup restores into PostgreSQL and back.
 *
 * <pre>
 * body    := section* 'Z'
 * section := 'T' name columns(int) name* ('R' value*)* 'E' rows(long)
 * value   := 0 (null) | 1 long | 2 utf-8 text | 3 bytes | 4 double     (text and bytes: int length, then bytes)
 * </pre>
 */
final class TableStream {
    private static final int TABLE = 'T';
    private static final int ROW = 'R';
    private static final int END_TABLE = 'E';
    private static final int END = 'Z';
    private static final int NULL = 0;
    private static final int LONG = 1;
    private static final int TEXT = 2;
    private static final int BYTES = 3;
    private static final int DOUBLE = 4;
    private static final int MAX_VALUE_BYTES = 256 << 20;
    /** Names the body may carry: they are spliced into SQL on restore, so nothing else is accepted. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private TableStream() {
    }

    /** Receives a body's sections as they are read. */
    interface Visitor {
        void table(String name, List<String> columns) throws IOException, SQLException;

        void row(Object[] values) throws IOException, SQLException;

        void endTable(String name, long rows) throws IOException, SQLException;
    }

    /** Writes every row of {@code table} as one section; returns the number of rows. */
    static long writeTable(Connection c, String table, DataOutputStream out) throws SQLException, IOException {
        try (Statement s = c.createStatement()) {
            s.setFetchSize(1000); // PostgreSQL streams inside a transaction instead of loading the whole table
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + checkName(table))) {
                ResultSetMetaData meta = rs.getMetaData();
                int n = meta.getColumnCount();
                out.writeByte(TABLE);
                writeText(out, table);
                out.writeInt(n);
                for (int i = 1; i <= n; i++) {
                    writeText(out, meta.getColumnName(i).toLowerCase(Locale.ROOT));
                }
                long rows = 0;
                while (rs.next()) {
                    out.writeByte(ROW);
                    for (int i = 1; i <= n; i++) {
                        writeValue(out, rs.getObject(i));
                    }
                    rows++;
                }
                out.writeByte(END_TABLE);
                out.writeLong(rows);
                return rows;
            }
        }
    }

    static void writeEnd(DataOutputStream out) throws IOException {
        out.writeByte(END);
    }

    /** Reads a whole body, section by section, into {@code visitor}. */
    static void read(DataInputStream in, Visitor visitor) throws IOException, SQLException {
        while (true) {
            int tag = in.readUnsignedByte();
            if (tag == END) {
                if (in.read() != -1) {
                    throw corrupt("data follows the end of the body");
                }
                return;
            }
            if (tag != TABLE) {
                throw corrupt("unexpected section tag " + tag);
            }
            String table = checkName(readText(in));
            int n = in.readInt();
            if (n < 1 || n > 1000) {
                throw corrupt("table " + table + " has " + n + " columns");
            }
            List<String> columns = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                columns.add(checkName(readText(in)));
            }
            visitor.table(table, columns);
            long rows = 0;
            while (true) {
                int rowTag = in.readUnsignedByte();
                if (rowTag == END_TABLE) {
                    long declared = in.readLong();
                    if (declared != rows) {
                        throw corrupt("table " + table + " ends after " + rows + " rows but declares " + declared);
                    }
                    visitor.endTable(table, rows);
                    break;
                }
                if (rowTag != ROW) {
                    throw corrupt("unexpected row tag " + rowTag + " in table " + table);
                }
                Object[] values = new Object[n];
                for (int i = 0; i < n; i++) {
                    values[i] = readValue(in);
                }
                visitor.row(values);
                rows++;
            }
        }
    }

    static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw corrupt("invalid table or column name '" + name + "'");
        }
        return name;
    }

    private static void writeValue(DataOutputStream out, Object v) throws IOException {
        if (v == null) {
            out.writeByte(NULL);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            out.writeByte(LONG);
            out.writeLong(((Number) v).longValue());
        } else if (v instanceof Boolean b) {
            out.writeByte(LONG);
            out.writeLong(b ? 1 : 0);
        } else if (v instanceof String s) {
            out.writeByte(TEXT);
            writeText(out, s);
        } else if (v instanceof byte[] b) {
            out.writeByte(BYTES);
            out.writeInt(b.length);
            out.write(b);
        } else if (v instanceof Double || v instanceof Float) {
            out.writeByte(DOUBLE);
            out.writeDouble(((Number) v).doubleValue());
        } else {
            throw new IllegalStateException("a column holds a " + v.getClass().getName()
                    + ", which backups do not carry; extend TableStream");
        }
    }

    private static Object readValue(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case NULL -> null;
            case LONG -> in.readLong();
            case TEXT -> readText(in);
            case BYTES -> readBytes(in);
            case DOUBLE -> in.readDouble();
            default -> throw corrupt("unknown value tag " + tag);
        };
    }

    private static void writeText(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readText(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_VALUE_BYTES) {
            throw corrupt("a value of " + n + " bytes");
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw corrupt("the body ends inside a value");
        }
        return b;
    }

    /** Only reachable with an authenticated body, i.e. a writer bug or a format this build does not know. */
    private static BackupException corrupt(String what) {
        return new BackupException(BackupException.Kind.CORRUPT, "the backup body is malformed: " + what);
    }
}
