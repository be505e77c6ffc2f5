"""Self-check quiz: single- or multiple-choice questions with feedback and a score.

The widget shows the questions of a lesson's ``quiz.yaml`` and asks an answer key (:mod:`xsim.teaching.answers`)
to judge each try (the answers may be absent from what the kernel reads). ``course.quiz("03")``
builds it through the installed key; in code::

    from xsim.teaching import Question, Quiz
    Quiz.of([
        Question(prompt="联名提出协商事项，至少需要多少村民？",
                 choices=["十分之一以上", {"text": "五分之一以上", "why": "五分之一是代表联名的门槛。"},
                          {"text": "过半数", "why": "……"}],
                 answer="十分之一以上", explanation="……", clause="§1.f"),
    ])

The first answer to each question counts for the score; a wrong try shows why each chosen option
is wrong and the clause to reread; the right answer only after a second wrong try
(:data:`xsim.teaching.answers.REVEAL_AFTER_WRONG`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from xsim.errors import InputError
from xsim.teaching.answers import (
    QUIZ_FILES,
    REVEAL_AFTER_WRONG,
    AnswerKey,
    Judgement,
    LocalAnswerKey,
    answer_key,
    choice_label,
)
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
from xsim.teaching.schema import Question

__all__ = ["QuestionCard", "Quiz", "load_quiz"]


class QuestionCard(TeachingWidget):
    """One question: the choices, a 提交答案 button, and the feedback line (``self.feedback``)."""

    kind_zh = "测验题"

    def __init__(
        self,
        question: Question,
        judge: Callable[[str | list[str], int], Judgement],
        number: int = 1,
        on_answer=None,
    ):
        """``question``: what is shown (its answer may be absent: the key holds it); ``judge``:
        (the chosen text or texts, the attempt) → the key's :class:`Judgement`."""
        super().__init__()
        self.question = question
        self.judge = judge
        self.on_answer = on_answer
        self.attempts = 0
        self.wrong_tries = 0
        self.first_correct: bool | None = None
        self.last: Judgement | None = None
        labels = [choice_label(question, i) for i in range(len(question.choices))]
        if question.multiple_choice:
            self.checkboxes = [
                widgets.Checkbox(
                    value=False, description=lab, indent=False, layout=widgets.Layout(width="auto")
                )
                for lab in labels
            ]
            self.choice_box = widgets.VBox(self.checkboxes)
            hint = "（多选）"
            choices = "checkboxes"
        else:
            self.radio = widgets.RadioButtons(
                options=labels, value=None, layout=widgets.Layout(width="auto")
            )
            self.choice_box = self.radio
            hint = "（单选）"
            choices = "radio"
        # what comes back after a restart: the choice, the feedback and the tries so far
        self.remembered = (choices, "feedback", "attempts", "wrong_tries", "first_correct")
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
        if self.question.multiple_choice:
            return {i for i, cb in enumerate(self.checkboxes) if cb.value}
        if self.radio.value is None:
            return set()
        return {self.radio.options.index(self.radio.value)}

    def select(self, *indices: int) -> None:
        """Select choices by index (used by tests and by authors' demos)."""
        if self.question.multiple_choice:
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
        texts = self.question.choice_texts
        answer = [texts[i] for i in sorted(chosen)]
        # the attempt the key judges: 1 + the earlier wrong tries (the answer shows after two)
        result = self.last = self.judge(
            answer if self.question.multiple_choice else answer[0], self.wrong_tries + 1
        )
        self.wrong_tries += not result.correct
        if self.first_correct is None:
            self.first_correct = result.correct
        self.feedback.value = self._feedback_html(result)
        self.scroll.show(self.feedback)
        if self.on_answer is not None:
            self.on_answer(self, result.correct)

    def _feedback_html(self, result: Judgement) -> str:
        q = self.question
        if result.correct:
            text = "✔ 回答正确！"
        elif not result.right_answer_zh:
            left = REVEAL_AFTER_WRONG - self.wrong_tries
            head = "再读一读下面的条款，" if q.clause else "想一想，"
            text = f"✘ 还不对。{head}改选后再提交一次" + (
                f"（再答错 {left} 次将显示答案）。" if left > 0 else "。"
            )
        else:
            text = f"✘ 还不对。正确答案是：{esc(result.right_answer_zh)}。"
        if result.why_zh:
            text += "<br>" + "<br>".join(esc(line) for line in result.why_zh.splitlines())
        if result.explanation_zh:
            text += f"<br>解析：{esc(result.explanation_zh)}"
        if self.attempts > 1:
            text += f"<br><small>（第 {self.attempts} 次作答，得分按第一次作答计算）</small>"
        html_text = ok_html(text) if result.correct else bad_html(text)
        if q.clause:
            html_text += clause_quote_html(q.clause)
        return html_text


class Quiz(TeachingWidget):
    """A list of questions with a running score (``self.score_label``, :attr:`score`)."""

    kind_zh = "自测题"

    def __init__(
        self,
        quiz: str,
        key: AnswerKey | None = None,
        questions: Sequence[Question] | None = None,
        title: str | None = None,
        lesson: str | None = None,
        item_prefix: str = "q",
        progress_path=None,
    ):
        """``quiz``: the lesson id whose question file the questions come from (unless given) and
        the key is asked about: ``quiz.yaml`` (items ``q1`` …), or with ``item_prefix`` ``"pre"``
        / ``"post"`` the lesson's 前测 / 后测 (:data:`~xsim.teaching.answers.QUIZ_FILES`).
        ``key``: default :func:`answer_key`. ``lesson``: with it every answer is saved to the
        trainee's progress store under that lesson (items ``{item_prefix}1`` …), as it is given."""
        super().__init__()
        self.quiz_id = quiz
        self.key = key if key is not None else answer_key()
        self.lesson = lesson
        self.progress_path = progress_path
        self.item_prefix = item_prefix
        if questions is None:
            from xsim.teaching.lessons import lesson_file, load_quiz_file

            data = load_quiz_file(lesson_file(quiz, QUIZ_FILES.get(item_prefix, "quiz.yaml")))
            questions, title = data.questions, title or data.title
        if not questions:
            raise InputError("<quiz>", "questions", "at least one question", "至少需要一道题")
        self.cards = [
            QuestionCard(q, self._judge_for(i), number=i + 1, on_answer=self._on_answer)
            for i, q in enumerate(questions)
        ]
        for card in self.cards:
            card.owner = self
        self.remembered = ("cards",)
        self.track(lesson, [self.item_id(i) for i in range(len(self.cards))])
        self.title = widgets.HTML(f"<h4>{esc(title or '自我检测')}</h4>")
        self.score_label = widgets.HTML("")
        self._update_score()
        self.children = [self.title, *self.cards, self.score_label, self.status]
        self.recall()

    def after_recall(self) -> None:
        self._update_score()

    @classmethod
    def of(
        cls,
        questions: Sequence[Question],
        title: str = "自我检测",
        lesson: str | None = None,
        item_prefix: str = "q",
        progress_path=None,
    ) -> Quiz:
        """A quiz of questions given in code, judged in this kernel."""
        key = LocalAnswerKey(quizzes={"<code>": questions})
        return cls(
            "<code>",
            key,
            questions=questions,
            title=title,
            lesson=lesson,
            item_prefix=item_prefix,
            progress_path=progress_path,
        )

    def _judge_for(self, index: int) -> Callable[[str | list[str], int], Judgement]:
        def judge(answer: str | list[str], attempt: int) -> Judgement:
            return self.key.judge(self.quiz_id, f"{self.key_prefix}{index + 1}", answer, attempt)

        return judge

    @property
    def key_prefix(self) -> str:
        """The prefix of the items the key judges: the question file's (``q``, ``pre``, ``post``)."""
        return self.item_prefix if self.item_prefix in QUIZ_FILES else "q"

    def item_id(self, index: int) -> str:
        """The progress-store id of question ``index`` (0-based): ``q1``, ``q2`` …"""
        return f"{self.item_prefix}{index + 1}"

    @property
    def score(self) -> tuple[int, int, int]:
        """(right on first attempt, answered, total)."""
        answered = [c.first_correct for c in self.cards if c.first_correct is not None]
        return sum(answered), len(answered), len(self.cards)

    def _on_answer(self, card: QuestionCard | None = None, right: bool | None = None) -> None:
        self._update_score()
        if self.lesson is None or card is None:
            return
        from xsim.teaching.progress import SAVE_FAILED_ZH

        chosen = [choice_label(card.question, i) for i in sorted(card.selected())]
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
    """A :class:`Quiz` from a ``quiz.yaml`` file anywhere (format: :class:`xsim.teaching.schema.QuizFile`),
    judged in this kernel. Bad files raise :class:`InputError` naming the file, line and field."""
    from xsim.teaching.lessons import load_quiz_file

    data = load_quiz_file(path)
    return Quiz.of(data.questions, title=data.title, lesson=lesson)
