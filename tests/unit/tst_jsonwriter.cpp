// SPDX-License-Identifier: MIT
#include <core/JsonWriter.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace dist;

class TestJsonWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serdePrettyShape()
    {
        JsonWriter w;
        w.beginObject()
            .field(QStringLiteral("reference"), QStringLiteral("r"))
            .field(QStringLiteral("digest"), QStringLiteral("d"));
        w.key(QStringLiteral("cache_path")).null();
        w.field(QStringLiteral("fetched"), false);
        w.key(QStringLiteral("empty_obj")).beginObject().endObject();
        w.key(QStringLiteral("empty_arr")).beginArray().endArray();
        w.key(QStringLiteral("list")).beginArray().value(1).value(QStringLiteral("x")).endArray();
        w.endObject();
        QCOMPARE(w.toByteArray(),
                 QByteArray("{\n"
                            "  \"reference\": \"r\",\n"
                            "  \"digest\": \"d\",\n"
                            "  \"cache_path\": null,\n"
                            "  \"fetched\": false,\n"
                            "  \"empty_obj\": {},\n"
                            "  \"empty_arr\": [],\n"
                            "  \"list\": [\n"
                            "    1,\n"
                            "    \"x\"\n"
                            "  ]\n"
                            "}\n"));
    }

    void emptyTopLevelArray()
    {
        JsonWriter w;
        w.beginArray().endArray();
        QCOMPARE(w.toByteArray(), QByteArray("[]\n"));
    }

    void escaping()
    {
        const QString s = QStringLiteral("q\"b\\n\nt\tc\x01/\u00e9");
        QCOMPARE(JsonWriter::escape(s), QByteArray("\"q\\\"b\\\\n\\nt\\tc\\u0001/\xc3\xa9\""));
        JsonWriter w(JsonWriter::Style::Compact);
        w.beginObject().field(QStringLiteral("k"), s).field(QStringLiteral("n"), qint64(9007199254740991)).endObject();
        const QJsonObject back = QJsonDocument::fromJson(w.toByteArray()).object();
        QCOMPARE(back.value(QStringLiteral("k")).toString(), s);
        QCOMPARE(w.toByteArray(), QByteArray("{\"k\":") + JsonWriter::escape(s) + ",\"n\":9007199254740991}");
    }

    void anyJsonValue()
    {
        JsonWriter w(JsonWriter::Style::Compact);
        w.value(QJsonValue(
            QJsonArray{1, 2.5, true, QJsonValue(), QJsonObject{{QStringLiteral("a"), QStringLiteral("b")}}}));
        QCOMPARE(w.toByteArray(), QByteArray(R"([1,2.5,true,null,{"a":"b"}])"));
    }
};

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
