"""《内容简介》第 8–11 节的每个主题都在手册里有固定的位置：页面 + 标题，以及这一节里必须出现的要点。

标题改名、整节删除或要点丢失时，这里失败。要改结构，就同时改这张表。
"""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from macros import datafiles, facts
from macros.legal import load_statutes

ROOT = Path(__file__).resolve().parent.parent
FACTS = datafiles.load_facts(ROOT)
PHONES = {key: str(FACTS[key]["value"]) for key in ("hotline_tax", "hotline_citizen", "hotline_legal",
                                                      "hotline_consumer")}

USER_RIGHTS = "service/user-rights"
REPRINT = "service/reprint"
COMPLAINTS = "service/complaints"
ANSWERS = "service/answers"
STATUTES = "legal/statutes"
CONSULTATION = "legal/consultation"

# (简介章节与主题, 页面, 标题, 这一节里必须出现的文字)
COVERAGE = [
    # 8 用户权益保障
    ("8 关注官方公告：网站、微信公众号、权威媒体", USER_RIGHTS, "关注官方公告与过渡期",
     ["网站", "官方微信公众号", "权威媒体"]),
    ("8 生效日期与过渡期", USER_RIGHTS, "关注官方公告与过渡期", ["生效日期", "过渡期"]),
    ("8 定期检查系统状态，保存报错信息，联系技术支持", USER_RIGHTS, "定期检查系统状态",
     ["定期", "报错", "技术支持"]),
    ("8 本地或云端备份，防止未经授权的访问，每周或重要操作后", USER_RIGHTS, "备份并做恢复测试",
     ["本地或云端", "未经授权", "每周", "重要操作"]),
    ("8 备份要做恢复测试", USER_RIGHTS, "备份并做恢复测试", ["恢复"]),
    ("8 替代工具：安全、稳定、合法合规，提前练习", USER_RIGHTS, "准备替代工具",
     ["第三方电子发票平台", "安全性", "稳定性", "合法合规", "试用"]),
    # 9 发票补打（数电发票时代：电子发票重新交付或重新下载文件，打印件是复制件）
    ("9 适用于发票遗失或损坏", REPRINT, "适用情形", ["遗失", "损坏", "原始记录", "红冲"]),
    ("9 先分清电子发票和纸质发票", REPRINT, "先分清是哪种发票", ["数电发票", "纸质发票", "XML"]),
    ("9 申请人带证件和凭证", REPRINT, "申请人要带什么", ["身份证件", "收据", "电子支付记录"]),
    ("9 数电发票的登记项", REPRINT, "申请人要带什么",
     ["发票号码", "开票日期", "价税合计", "开票方", "受票方", "纳税人识别号"]),
    ("9 工作人员核验并查询原始记录", REPRINT, "办理步骤", ["核验", "查询", "比对"]),
    ("9 电子发票：重新交付或重新下载", REPRINT, "电子发票：重新交付或重新下载",
     ["XML", "PDF", "OFD", "法定原件", "重新交付", "税务数字账户", "开票方"]),
    ("9 查不到：进一步核实，按开票方式判断原因", REPRINT, "查不到",
     ["进一步核实", "数据交换延迟", "税控设备", "乐企"]),
    ("9 纸质发票遗失另行办理", REPRINT, "纸质发票遗失或损坏", ["按税务机关现行规定办理", PHONES["hotline_tax"]]),
    ("9 高峰或信息不全时会延迟；查询失败怎么办", REPRINT, "查询失败或系统缓慢", ["高峰", "信息不全", "报告"]),
    ("9 打印件是复制件，报销要保存电子原件", REPRINT, "打印件与电子原件", ["复制件", "财会〔2020〕6号", "电子发票原件"]),
    ("9 记录什么", REPRINT, "记录", ["查询结果", "处理结果"]),
    # 第 5 项 服务台答复
    ("5 说法对照", ANSWERS, "说法对照", ["先确认并登记", "我们系统出错了"]),
    ("5 数电发票登记项", ANSWERS, "数电发票要登记的五项", ["发票号码", "开票日期", "价税合计", "开票方", "受票方"]),
    ("5 申报期限将到", ANSWERS, "用户说“我 15 号就要申报了”", ["延期申报", PHONES["hotline_tax"], "加急"]),
    ("5 要求赔偿", ANSWERS, "用户要求赔偿", ["不表态", "服务台主管"]),
    ("5 问信息是否泄露", ANSWERS, "用户问“我的信息是不是泄露了”", ["不猜测", "处置手册"]),
    ("5 要找媒体", ANSWERS, "用户说要找媒体曝光", ["只讲事实", "通报联络人"]),
    ("5 市民服务热线派单", ANSWERS, "市民服务热线派来的工单", [PHONES["hotline_citizen"], "工单号", "工单写明的时限"]),
    ("1 电子发票不能作废，红冲要对方确认", ANSWERS, "发票开错了，要求作废",
     ["不能作废", "红冲", "《红字发票信息确认单》", "纸质发票"]),
    # 10 投诉与申诉
    ("10 三个受理渠道", COMPLAINTS, "受理渠道", ["服务网点现场", "本单位服务热线", "网站投诉表单"]),
    ("10 投诉人提供发票号码、交易时间和描述", COMPLAINTS, "登记内容", ["发票号码", "交易时间", "问题描述"]),
    ("10 登记并分派给负责部门", COMPLAINTS, "分派", ["负责部门"]),
    ("10 在规定期限内调查", COMPLAINTS, "调查期限",
     [facts.format_fact(FACTS["complaint_investigation"]), "受理次日"]),
    ("10 工作日期限计算器", COMPLAINTS, "期限计算器", []),
    ("10 节假日与调休", COMPLAINTS, "放假与调休安排", ["调休上班", "国务院办公厅"]),
    ("10 答复调查结果", COMPLAINTS, "答复", ["原因", "措施"]),
    ("10 不满意可向上一级申诉", COMPLAINTS, "申诉", ["上一级"]),
    ("10 答复模板", COMPLAINTS, "答复模板", ["受理回执"]),
    # 11 法律资源
    ("11 以官方现行文本为准", STATUTES, "法律法规", ["以官方现行文本为准", "不写条文序号"]),
    ("11 发票的法律效力", STATUTES, "发票的法律效力", ["《中华人民共和国发票管理办法》"]),
    ("11 补打发票与消费者权益", STATUTES, "补打发票与消费者权益", ["《中华人民共和国消费者权益保护法》"]),
    ("11 开票方与税务机关的责任", STATUTES, "开票方与税务机关的责任", ["《中华人民共和国税收征收管理法》"]),
    ("11 纳税申报与期限", STATUTES, "纳税申报与期限", ["《中华人民共和国税收征收管理法实施细则》", "申报日历"]),
    ("11 应急预案与个人信息", STATUTES, "应急预案与个人信息", ["《中华人民共和国个人信息保护法》"]),
    ("11 国家法律法规数据库读现行文本", STATUTES, "到哪里读现行文本", ["国家法律法规数据库"]),
    *[(f"11 《{title}》", STATUTES, f"《{title}》", [issuer, "核实"]) for title, issuer in [
        ("中华人民共和国发票管理办法", "国务院"),
        ("中华人民共和国发票管理办法实施细则", "国家税务总局"),
        ("中华人民共和国税收征收管理法", "全国人民代表大会常务委员会"),
        ("中华人民共和国消费者权益保护法", "全国人民代表大会常务委员会"),
        ("中华人民共和国电子签名法", "全国人民代表大会常务委员会"),
        ("会计档案管理办法", "财政部、国家档案局"),
        ("中华人民共和国网络安全法", "全国人民代表大会常务委员会"),
        ("中华人民共和国数据安全法", "全国人民代表大会常务委员会"),
        ("中华人民共和国个人信息保护法", "全国人民代表大会常务委员会"),
        ("中华人民共和国税收征收管理法实施细则", "国务院"),
        ("中华人民共和国增值税法", "全国人民代表大会常务委员会"),
        ("财政部国家档案局关于规范电子会计凭证报销入账归档的通知", "财政部、国家档案局"),
        ("国家网络安全事件报告管理办法", "国家互联网信息办公室"),
    ]],
    ("11 北京市司法局网站与只用官方渠道", CONSULTATION, "官方渠道", ["北京市司法局网站", "只用官方渠道"]),
    ("11 四条热线", CONSULTATION, "官方渠道", list(PHONES.values())),
    ("11 法律援助", CONSULTATION, "法律援助", ["法律援助机构", PHONES["hotline_legal"]]),
    ("11 律师事务所", CONSULTATION, "律师事务所", ["律师事务所"]),
    ("11 普法活动", CONSULTATION, "普法活动", ["普法"]),
]

HEADINGS = ("h1", "h2", "h3", "h4")


def _heading_text(node) -> str:
    return "".join(t for t in node.itertext() if t != "¶").strip()


def section_text(built_site: Path, page: str, heading: str) -> str | None:
    """页面里标题为 heading 的一节的文字（到下一个同级或更高级的标题为止）；没有这个标题时返回 None。"""
    tree = html.parse(str(built_site / page / "index.html"))
    article = tree.xpath('//article[contains(@class, "md-content__inner")]')[0]
    children = list(article)
    for index, node in enumerate(children):
        if node.tag in HEADINGS and _heading_text(node) == heading:
            level = HEADINGS.index(node.tag)
            parts = []
            for other in children[index + 1:]:
                if other.tag in HEADINGS and HEADINGS.index(other.tag) <= level:
                    break
                if isinstance(other.tag, str):  # 跳过 HTML 注释
                    parts.append(" ".join(other.itertext()))
            return " ".join(parts)
    return None


@pytest.mark.parametrize("topic, page, heading, phrases", COVERAGE, ids=[c[0] for c in COVERAGE])
def test_brief_topic_is_covered(built_site, topic, page, heading, phrases):
    text = section_text(built_site, page, heading)
    assert text is not None, f"{topic}：{page} 缺少标题“{heading}”"
    missing = [p for p in phrases if p not in text]
    assert not missing, f"{topic}：{page} 的“{heading}”一节缺少 {missing}"


def test_every_statute_in_data_is_mapped():
    """data/statutes.yml 里新增的法规也要进这张表。"""
    mapped = {c[2] for c in COVERAGE if c[1] == STATUTES}
    for entry in load_statutes(ROOT)["statutes"].values():
        assert f"《{entry['title']}》" in mapped


def test_section_text_detects_missing_heading(built_site):
    assert section_text(built_site, COMPLAINTS, "不存在的标题") is None
    assert "受理回执" not in section_text(built_site, COMPLAINTS, "受理渠道")
