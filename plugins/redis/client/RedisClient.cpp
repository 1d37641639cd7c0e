#include "RedisClient.h"

#include "RedisClusterClient.h"
#include "RedisStandaloneClient.h"

#include <algorithm>
#include <QStringList>

#include <map>

namespace adserve {

namespace {

// Long multi-key commands block Redis for everyone: split them.
constexpr qsizetype kMaxKeysPerCommand = 512;

QString failed(const QByteArray &verb, const RedisReply &reply)
{
    return QString::fromLatin1(verb) + QStringLiteral(" failed: ") + reply.errorText();
}

QString unexpected(const QByteArray &verb)
{
    return QString::fromLatin1(verb) + QStringLiteral(" failed: unexpected reply type from Redis");
}

// INFO's "field:value" lines, without the "# Section" headers.
QHash<QByteArray, QByteArray> parseInfo(const QByteArray &text)
{
    QHash<QByteArray, QByteArray> fields;
    for (const QByteArray &rawLine : text.split('\n')) {
        const QByteArray line = rawLine.trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            fields.insert(line.left(colon), line.mid(colon + 1));
    }
    return fields;
}

} // namespace

std::unique_ptr<RedisClient> RedisClient::create(const RedisOptions &options)
{
    if (options.cluster)
        return std::make_unique<RedisClusterClient>(options);
    return std::make_unique<RedisStandaloneClient>(options);
}

RedisClient::RedisClient(const RedisOptions &options) : m_pool(options) {}

RedisClient::~RedisClient() = default;

RedisReply RedisClient::executeOn(const RedisNodeAddress &node, const RedisArgs &args)
{
    return m_pool.connection(node).pipeline({args}, callDeadline()).constFirst();
}

QList<RedisClient::KeyedReply> RedisClient::multiKey(const QByteArray &verb, const QList<QByteArray> &keys,
                                                     qsizetype keysPerCommand)
{
    std::map<int, QList<qsizetype>> groups;
    for (qsizetype i = 0; i < keys.size(); ++i)
        groups[keyGroup(keys.at(i))].append(i);

    QList<QList<qsizetype>> commandKeys;
    QList<RedisCommand> commands;
    for (const auto &[group, indexes] : groups) {
        for (qsizetype from = 0; from < indexes.size(); from += keysPerCommand) {
            const QList<qsizetype> chunk = indexes.mid(from, keysPerCommand);
            RedisArgs args{verb};
            for (qsizetype index : chunk)
                args.append(keys.at(index));
            commands.append({std::move(args), keys.at(chunk.constFirst())});
            commandKeys.append(chunk);
        }
    }
    const QList<RedisReply> replies = execute(commands);

    QList<KeyedReply> answered;
    QList<qsizetype> retried;
    QList<RedisCommand> oneByOne;
    for (qsizetype i = 0; i < commandKeys.size(); ++i) {
        if (replies.at(i).errorCode() == "TRYAGAIN" && commandKeys.at(i).size() > 1) {
            for (qsizetype index : commandKeys.at(i)) {
                oneByOne.append({{verb, keys.at(index)}, keys.at(index)});
                retried.append(index);
            }
        } else {
            answered.append({commandKeys.at(i), replies.at(i)});
        }
    }
    if (!oneByOne.isEmpty()) {
        const QList<RedisReply> single = execute(oneByOne);
        for (qsizetype i = 0; i < retried.size(); ++i)
            answered.append({{retried.at(i)}, single.at(i)});
    }
    return answered;
}

RedisResult<QList<std::optional<QByteArray>>> RedisClient::mget(const QList<QByteArray> &keys, qsizetype keysPerCommand)
{
    using Result = RedisResult<QList<std::optional<QByteArray>>>;
    QList<std::optional<QByteArray>> values(keys.size());
    // In a cluster each node answers for its own slots: one that fails costs its keys
    // only, which stay absent. One server answers all or nothing.
    QStringList faults; // distinct, each naming its node when the connection failed
    qsizetype unanswered = 0;
    for (const KeyedReply &item : multiKey("MGET", keys, std::clamp<qsizetype>(keysPerCommand, 1, kMaxKeysPerCommand))) {
        QString fault;
        if (item.reply.isError())
            fault = item.reply.errorText();
        else if (item.reply.type != RedisReply::Type::Array || item.reply.elements.size() != item.keyIndexes.size())
            fault = QStringLiteral("unexpected reply type from Redis");
        if (!fault.isEmpty()) {
            if (!isCluster())
                return Result::failure(QStringLiteral("MGET failed: ") + fault);
            if (!faults.contains(fault))
                faults.append(fault);
            unanswered += item.keyIndexes.size();
            continue;
        }
        for (qsizetype i = 0; i < item.keyIndexes.size(); ++i) {
            const RedisReply &element = item.reply.elements.at(i);
            if (element.type == RedisReply::Type::String)
                values[item.keyIndexes.at(i)] = element.bytes;
        }
    }
    if (faults.isEmpty())
        return Result{std::move(values), {}};
    const QString why = faults.join(QStringLiteral("; "));
    if (unanswered == keys.size())
        return Result::failure(QStringLiteral("MGET failed: ") + why);
    const QString counted = QStringLiteral("MGET failed for %1 of %2 keys: ").arg(unanswered).arg(keys.size());
    return Result::partialFailure(std::move(values), counted + why);
}

RedisResult<bool> RedisClient::setMany(const QList<QPair<QByteArray, QByteArray>> &items,
                                       std::chrono::milliseconds ttl)
{
    QList<RedisCommand> commands;
    commands.reserve(items.size());
    const QByteArray ttlText = QByteArray::number(qint64(ttl.count()));
    for (const auto &[key, value] : items) {
        RedisArgs args{"SET", key, value};
        if (ttl.count() > 0)
            args << "PX" << ttlText;
        commands.append({std::move(args), key});
    }
    for (const RedisReply &reply : execute(commands)) {
        if (reply.isError())
            return RedisResult<bool>::failure(failed("SET", reply));
    }
    return {true, {}};
}

RedisResult<qint64> RedisClient::unlink(const QList<QByteArray> &keys)
{
    qint64 removed = 0;
    for (const KeyedReply &item : multiKey("UNLINK", keys, kMaxKeysPerCommand)) {
        if (item.reply.isError())
            return RedisResult<qint64>::failure(failed("UNLINK", item.reply));
        removed += item.reply.integer;
    }
    return {removed, {}};
}

RedisResult<RedisScanPage> RedisClient::scan(const QByteArray &cursor, const QByteArray &pattern, int count)
{
    using Result = RedisResult<RedisScanPage>;
    const auto nodes = masters();
    if (!nodes.ok())
        return Result::failure(QStringLiteral("SCAN failed: ") + nodes.error);

    // Standalone cursors are Redis's own; a cluster's are "<master index>:<cursor on it>".
    qsizetype nodeIndex = 0;
    QByteArray nodeCursor = cursor.isEmpty() ? QByteArray("0") : cursor;
    if (isCluster() && nodeCursor != "0") {
        const qsizetype colon = nodeCursor.indexOf(':');
        bool ok = colon > 0;
        if (ok)
            nodeIndex = nodeCursor.left(colon).toLongLong(&ok);
        if (!ok || nodeIndex < 0 || nodeIndex >= nodes.value.size())
            return Result::failure(QStringLiteral("SCAN failed: invalid cursor \"%1\"").arg(QString::fromLatin1(cursor)));
        nodeCursor = nodeCursor.mid(colon + 1);
    }
    bool numeric = false;
    nodeCursor.toULongLong(&numeric);
    if (!numeric)
        return Result::failure(QStringLiteral("SCAN failed: invalid cursor \"%1\"").arg(QString::fromLatin1(cursor)));

    RedisArgs args{"SCAN", nodeCursor};
    if (!pattern.isEmpty())
        args << "MATCH" << pattern;
    args << "COUNT" << QByteArray::number(qMax(1, count));
    const RedisReply reply = executeOn(nodes.value.at(nodeIndex), args);
    if (reply.isError())
        return Result::failure(failed("SCAN", reply));
    if (reply.type != RedisReply::Type::Array || reply.elements.size() != 2
        || reply.elements.at(1).type != RedisReply::Type::Array)
        return Result::failure(unexpected("SCAN"));

    RedisScanPage page;
    for (const RedisReply &key : reply.elements.at(1).elements)
        page.keys.append(key.bytes);
    const QByteArray next = reply.elements.at(0).bytes;
    if (!isCluster())
        page.cursor = next;
    else if (next != "0")
        page.cursor = QByteArray::number(nodeIndex) + ':' + next;
    else if (nodeIndex + 1 < nodes.value.size())
        page.cursor = QByteArray::number(nodeIndex + 1) + ":0";
    else
        page.cursor = "0";
    return {std::move(page), {}};
}

RedisResult<bool> RedisClient::pexpire(const QByteArray &key, std::chrono::milliseconds ttl)
{
    const RedisReply reply = execute({{"PEXPIRE", key, QByteArray::number(qint64(ttl.count()))}, key});
    if (reply.isError())
        return RedisResult<bool>::failure(failed("PEXPIRE", reply));
    if (reply.type != RedisReply::Type::Integer)
        return RedisResult<bool>::failure(unexpected("PEXPIRE"));
    return {reply.integer == 1, {}};
}

RedisResult<QList<RedisClient::NodeReply>> RedisClient::onEveryMaster(const RedisArgs &args)
{
    using Result = RedisResult<QList<NodeReply>>;
    const QByteArray &verb = args.constFirst();
    const auto nodes = masters();
    if (!nodes.ok())
        return Result::failure(QString::fromLatin1(verb) + QStringLiteral(" failed: ") + nodes.error);
    QList<NodeReply> replies;
    replies.reserve(nodes.value.size());
    for (const RedisNodeAddress &node : nodes.value) {
        RedisReply reply = executeOn(node, args);
        if (reply.isError())
            return Result::failure(failed(verb, reply));
        replies.append({node, std::move(reply)});
    }
    return {std::move(replies), {}};
}

RedisResult<QList<RedisNodeInfo>> RedisClient::info()
{
    const auto replies = onEveryMaster({"INFO"});
    if (!replies.ok())
        return RedisResult<QList<RedisNodeInfo>>::failure(replies.error);
    QList<RedisNodeInfo> infos;
    for (const NodeReply &answer : replies.value)
        infos.append({answer.node, parseInfo(answer.reply.bytes)});
    return {std::move(infos), {}};
}

RedisResult<qint64> RedisClient::dbsize()
{
    const auto replies = onEveryMaster({"DBSIZE"});
    if (!replies.ok())
        return RedisResult<qint64>::failure(replies.error);
    qint64 total = 0;
    for (const NodeReply &answer : replies.value)
        total += answer.reply.integer;
    return {total, {}};
}

RedisResult<bool> RedisClient::ping()
{
    const auto replies = onEveryMaster({"PING"});
    return {replies.ok(), replies.error};
}

} // namespace adserve
