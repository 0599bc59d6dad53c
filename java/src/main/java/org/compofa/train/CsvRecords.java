package org.compofa.train;

import java.util.ArrayList;
import java.util.List;

/** Splits CSV text as {@link CsvLog} writes it (RFC 4180: a quoted field may hold commas and line breaks). */
final class CsvRecords {
    private CsvRecords() {
    }

    /**
     * One record: its text exactly as in the file (line end included) and its unquoted fields.
     *
     * @param raw    the record's characters, ending with {@code \n} (the last one may lack it)
     * @param fields the fields, quotes removed and doubled quotes undone
     */
    record Record(String raw, List<String> fields) {
    }

    /** The records of {@code text}, in order; a quote left open runs to the end of the text. */
    static List<Record> parse(String text) {
        List<Record> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                fields.add(field.toString());
                field.setLength(0);
                records.add(new Record(text.substring(start, i + 1), List.copyOf(fields)));
                fields.clear();
                start = i + 1;
            } else {
                field.append(c);
            }
        }
        if (start < text.length()) {
            fields.add(field.toString());
            records.add(new Record(text.substring(start), List.copyOf(fields)));
        }
        return records;
    }
}
