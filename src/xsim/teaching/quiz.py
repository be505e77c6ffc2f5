"""Self-check quiz: single- or multiple-choice questions with immediate feedback and a score.

For notebook authors::

    from xsim.teaching import Question, Quiz
    Quiz([
        Question("联名提出协商事项，至少需要多少村民？",
                 ["十分之一以上", "五分之一以上", "过半数"], correct=0,
                 explanation="通知第一部分：十分之一以上村（居）民联名……", clause="§1.f"),
        Question("哪些属于协商主体？（多选）", ["业主委员会", "物业服务企业", "无关的外村商户"],
                 correct=[0, 1], explanation="……"),
    ])

``correct`` is the 0-based index of the right choice, or a list of indices for a multiple-choice
question (shown as check boxes). The first answer to each question counts for the score; the
trainee may try again and still sees the feedback.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as widgets

from xsim.errors import InputError
from xsim.teaching.common import (
    TeachingWidget,
    bad_html,
    button,
    clause_quote_html,
    esc,
    note_html,
    ok_html,
    on_busy_click,
    safe_callback,
)
from xsim.teaching.display import ScrollIntoView

LETTERS = "ABCDEFGHIJ"


@dataclass
class Question:
    """One quiz question. ``correct``: index, or list of indices for multiple choice."""

    prompt: str
    choices: list[str]
    correct: int | list[int]
    explanation: str = ""
    clause: str | None = None
    why: list[str] = field(default_factory=list)  # per choice: why it is wrong ("" = no note)
    multiple: bool = field(init=False)

    def __post_init__(self) -> None:
        self.multiple = not isinstance(self.correct, int)
        right = self.correct_set
        if len(self.choices) < 2 or len(self.choices) > len(LETTERS):
            raise InputError("<quiz>", "choices", "2 to 10 choices", "选项应为 2 到 10 个")
        if not right or any(i < 0 or i >= len(self.choices) for i in right):
            raise InputError(
                "<quiz>", "correct", "indices of existing choices", "正确答案须是已有选项的序号"
            )

    @property
    def correct_set(self) -> set[int]:
        return {self.correct} if isinstance(self.correct, int) else set(self.correct)

    def label(self, i: int) -> str:
        return f"{LETTERS[i]}. {self.choices[i]}"

    def right_answer_text(self) -> str:
        return "、".join(self.label(i) for i in sorted(self.correct_set))


class QuestionCard(TeachingWidget):
    """One question: the choices, a 提交答案 button, and the feedback line (``self.feedback``)."""

    kind_zh = "测验题"

    def __init__(self, question: Question, number: int = 1, on_answer=None):
        super().__init__()
        self.question = question
        self.on_answer = on_answer
        self.attempts = 0
        self.first_correct: bool | None = None
        labels = [question.label(i) for i in range(len(question.choices))]
        if question.multiple:
            self.checkboxes = [
                widgets.Checkbox(
                    value=False, description=lab, indent=False, layout=widgets.Layout(width="auto")
                )
                for lab in labels
            ]
            self.choice_box = widgets.VBox(self.checkboxes)
            hint = "（多选）"
        else:
            self.radio = widgets.RadioButtons(
                options=labels, value=None, layout=widgets.Layout(width="auto")
            )
            self.choice_box = self.radio
            hint = "（单选）"
        self.prompt = widgets.HTML(f"<b>第 {number} 题{hint}</b>　{esc(question.prompt)}")
        self.submit = button("提交答案")
        on_busy_click(self.submit, self._on_submit)
        self.feedback = widgets.HTML("")
        self.scroll = ScrollIntoView()
        self.children = [
            self.prompt,
            self.choice_box,
            self.submit,
            self.feedback,
            self.status,
            self.scroll,
        ]

    def selected(self) -> set[int]:
        """Indices the trainee has selected."""
        if self.question.multiple:
            return {i for i, cb in enumerate(self.checkboxes) if cb.value}
        if self.radio.value is None:
            return set()
        return {self.radio.options.index(self.radio.value)}

    def select(self, *indices: int) -> None:
        """Select choices by index (used by tests and by authors' demos)."""
        if self.question.multiple:
            for i, cb in enumerate(self.checkboxes):
                cb.value = i in indices
        else:
            self.radio.value = self.radio.options[indices[0]] if indices else None

    @safe_callback
    def _on_submit(self, _button=None) -> None:
        chosen = self.selected()
        if not chosen:
            self.feedback.value = ""
            self.show_error("请先选择答案，再点击「提交答案」。")
            return
        self.clear_status()
        self.attempts += 1
        right = chosen == self.question.correct_set
        if self.first_correct is None:
            self.first_correct = right
        self.feedback.value = self._feedback_html(right)
        self.scroll.show(self.feedback)
        if self.on_answer is not None:
            self.on_answer(self, right)

    def _feedback_html(self, right: bool) -> str:
        q = self.question
        if not right and self.attempts == 1:
            # First a reason to think again; the right answer only after a second try.
            hint = clause_quote_html(q.clause) if q.clause else ""
            return bad_html(self._why_wrong_text()) + hint
        text = "✔ 回答正确！" if right else f"✘ 还不对。正确答案是：{esc(q.right_answer_text())}。"
        if q.explanation:
            text += f"<br>解析：{esc(q.explanation)}"
        if self.attempts > 1:
            text += f"<br><small>（第 {self.attempts} 次作答，得分按第一次作答计算）</small>"
        html_text = ok_html(text) if right else bad_html(text)
        if q.clause:
            html_text += clause_quote_html(q.clause)
        return html_text

    def _why_wrong_text(self) -> str:
        q = self.question
        chosen = self.selected()
        notes = []
        for i in sorted(chosen - q.correct_set):
            reason = q.why[i] if i < len(q.why) else ""
            notes.append(f"{esc(q.label(i))}：{esc(reason) or '这个选项不对。'}")
        missed = q.correct_set - chosen
        if missed and q.multiple:
            notes.append(f"还漏选了 {len(missed)} 个正确选项。")
        head = "✘ 还不对。"
        if q.clause:
            head += "再读一读下面的条款，改选后再提交一次（再答错一次将显示答案）。"
        else:
            head += "想一想，改选后再提交一次（再答错一次将显示答案）。"
        return head + "<br>" + "<br>".join(notes)


class Quiz(TeachingWidget):
    """A list of questions with a running score (``self.score_label``, :attr:`score`)."""

    kind_zh = "自测题"

    def __init__(
        self,
        questions: list[Question],
        title: str = "自我检测",
        lesson: str | None = None,
        item_prefix: str = "q",
        progress_path=None,
    ):
        super().__init__()
        #: the lesson id of the course's table of contents (``"03"``); with it every answer is
        #: saved to the trainee's progress store (:mod:`xsim.teaching.progress`) as it is given
        self.lesson = lesson
        self.progress_path = progress_path
        self.item_prefix = item_prefix  # item ids: q1, q2 … (another prefix for a second quiz)
        if not questions:
            raise InputError("<quiz>", "questions", "at least one question", "至少需要一道题")
        self.cards = [
            QuestionCard(q, number=i + 1, on_answer=self._on_answer)
            for i, q in enumerate(questions)
        ]
        self.track(lesson, [self.item_id(i) for i in range(len(self.cards))])
        self.title = widgets.HTML(f"<h4>{esc(title)}</h4>")
        self.score_label = widgets.HTML("")
        self._update_score()
        self.children = [self.title, *self.cards, self.score_label, self.status]

    @property
    def score(self) -> tuple[int, int, int]:
        """(right on first attempt, answered, total)."""
        answered = [c.first_correct for c in self.cards if c.first_correct is not None]
        return sum(answered), len(answered), len(self.cards)

    def item_id(self, index: int) -> str:
        """The progress-store id of question ``index`` (0-based): ``q1``, ``q2`` …"""
        return f"{self.item_prefix}{index + 1}"

    def _on_answer(self, card: QuestionCard | None = None, right: bool | None = None) -> None:
        self._update_score()
        if self.lesson is None or card is None:
            return
        from xsim.teaching.progress import SAVE_FAILED_ZH

        chosen = [card.question.label(i) for i in sorted(card.selected())]
        saved = self.save_answer(
            self.item_id(self.cards.index(card)),
            bool(right),
            chosen,
            clause=card.question.clause or "",
        )
        if not saved:  # said beside the question just answered, not only at the quiz's end
            card.status.value = note_html(esc(SAVE_FAILED_ZH))

    def _update_score(self) -> None:
        right, answered, total = self.score
        text = f"得分：{right} / {total}（已作答 {answered} 题）"
        if answered == total:
            text += "　全部完成！" if right == total else "　可以回看解析，再读一遍相关条款。"
        self.score_label.value = f"<b>{text}</b>"


def load_quiz(path, lesson: str | None = None) -> Quiz:
    """A :class:`Quiz` from a lesson's ``quiz.yaml`` (format: :mod:`xsim.teaching.lessons`)::

        title: 自我检测
        questions:
          - prompt: 联名提出协商事项，至少需要多少村民？
            choices:
              - 十分之一以上
              - {text: 五分之一以上, why: 五分之一是村民代表联名的门槛。}
              - 过半数
            answer: 十分之一以上          # the text of the right choice; a list for multiple choice
            explanation: 十分之一以上村（居）民联名……
            clause: §1.f                  # optional

    Bad files raise :class:`InputError` naming the file, line and field (``questions[2].answer``).
    ``lesson``: the lesson id in ``course/toc.yaml``; answers are then saved to the trainee's
    progress (:mod:`xsim.teaching.progress`).
    """
    from xsim.teaching.lessons import load_quiz_file

    data = load_quiz_file(path)
    questions = [
        Question(q.prompt, q.choice_texts, q.correct, q.explanation, q.clause, why=q.why)
        for q in data.questions
    ]
    return Quiz(questions, title=data.title, lesson=lesson)
