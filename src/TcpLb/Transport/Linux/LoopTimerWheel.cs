using System.Numerics;

namespace TcpLb.Transport.Linux;

/// <summary>
/// The timers of one event loop: a hierarchical timing wheel of three levels of 512 slots (1 ms, 512 ms and
/// ~262 s per slot: deadlines up to ~37 h ahead, later ones wait at the horizon and are placed again). Schedule,
/// cancel and fire are O(1); advancing jumps from occupied slot to occupied slot with the slot bitmaps, so a loop
/// that slept an hour does not walk an hour of milliseconds. Connections keep their deadlines lazily (a timer
/// fires at the deadline it was given; the owner then reads its real deadline and schedules again if traffic
/// moved it), so nothing here runs per read. Single-threaded: the loop's thread only.
/// </summary>
internal sealed class LoopTimerWheel
{
    private const int SlotBits = 9;
    private const int SlotCount = 1 << SlotBits;
    private const int SlotMask = SlotCount - 1;
    private const int LevelCount = 3;
    private const long Horizon = (1L << (SlotBits * LevelCount)) - 1;

    private readonly LoopTarget?[][] _slots = new LoopTarget?[LevelCount][];
    private readonly ulong[][] _occupied = new ulong[LevelCount][];
    private LoopTarget? _expired; // scheduled at or before now: fired by the next Advance
    private long _now;

    public LoopTimerWheel(long now)
    {
        _now = now;
        for (int level = 0; level < LevelCount; level++)
        {
            _slots[level] = new LoopTarget?[SlotCount];
            _occupied[level] = new ulong[SlotCount / 64];
        }
    }

    /// <summary>Timers scheduled.</summary>
    public int Count { get; private set; }

    /// <summary>The wheel's time, in the loop's milliseconds: every timer due at or before it has fired.</summary>
    public long Now => _now;

    /// <summary>Schedules (or moves) <paramref name="target"/>'s timer to <paramref name="due"/> (loop milliseconds).</summary>
    public void Schedule(LoopTarget target, long due)
    {
        if (target.TimerScheduled)
        {
            Cancel(target);
        }

        target.TimerDue = due;
        Place(target);
        Count++;
    }

    /// <summary>Cancels <paramref name="target"/>'s timer, if one is scheduled.</summary>
    public void Cancel(LoopTarget target)
    {
        if (!target.TimerScheduled)
        {
            return;
        }

        if (target.TimerPrevious is { } previous)
        {
            previous.TimerNext = target.TimerNext;
        }
        else if (target.TimerLevel == LevelCount)
        {
            _expired = target.TimerNext;
        }
        else
        {
            _slots[target.TimerLevel][target.TimerSlot] = target.TimerNext;
            if (target.TimerNext is null)
            {
                _occupied[target.TimerLevel][target.TimerSlot >> 6] &= ~(1UL << (target.TimerSlot & 63));
            }
        }

        if (target.TimerNext is { } next)
        {
            next.TimerPrevious = target.TimerPrevious;
        }

        target.TimerNext = null;
        target.TimerPrevious = null;
        target.TimerLevel = -1;
        Count--;
    }

    /// <summary>Milliseconds from <see cref="Now"/> to the next moment the wheel needs <see cref="Advance"/>, or -1 when empty.</summary>
    public long NextWake()
    {
        if (_expired is not null)
        {
            return 0;
        }

        if (Count == 0)
        {
            return -1;
        }

        return NextInterestingTick(long.MaxValue) - _now;
    }

    /// <summary>Moves the wheel to <paramref name="now"/>, firing every timer due by then (each fires once, unscheduled first).</summary>
    public void Advance(long now)
    {
        FireExpired();
        while (_now < now && Count > 0)
        {
            _now = NextInterestingTick(now);
            if ((_now & ((1L << (2 * SlotBits)) - 1)) == 0)
            {
                Cascade(2, (int)((_now >> (2 * SlotBits)) & SlotMask));
            }

            if ((_now & SlotMask) == 0)
            {
                Cascade(1, (int)((_now >> SlotBits) & SlotMask));
            }

            FireSlot((int)(_now & SlotMask));
            FireExpired();
        }

        if (_now < now)
        {
            _now = now;
        }
    }

    // The earliest tick after _now (and at most limit) at which a level-0 slot fires or a higher level cascades.
    private long NextInterestingTick(long limit)
    {
        long next = limit;
        for (int level = 0; level < LevelCount; level++)
        {
            int shift = SlotBits * level;
            long position = _now >> shift;
            int distance = DistanceToOccupied(_occupied[level], (int)((position + 1) & SlotMask));
            if (distance >= 0)
            {
                long tick = (position + 1 + distance) << shift;
                if (tick < next)
                {
                    next = tick;
                }
            }
        }

        return next;
    }

    // How many slots after start (circularly) the first occupied one is, or -1 when none is.
    private static int DistanceToOccupied(ulong[] occupied, int start)
    {
        for (int i = 0; i <= occupied.Length; i++)
        {
            int word = ((start >> 6) + i) % occupied.Length;
            ulong bits = occupied[word];
            if (i == 0)
            {
                bits &= ~0UL << (start & 63);
            }
            else if (i == occupied.Length)
            {
                bits &= (1UL << (start & 63)) - 1;
            }

            if (bits != 0)
            {
                int slot = (word << 6) + BitOperations.TrailingZeroCount(bits);
                return (slot - start + SlotCount) & SlotMask;
            }
        }

        return -1;
    }

    private void Place(LoopTarget target)
    {
        long delta = target.TimerDue - _now;
        if (delta <= 0)
        {
            Link(target, LevelCount, 0, ref _expired);
            return;
        }

        long due = delta > Horizon ? _now + Horizon : target.TimerDue;
        int level = delta < SlotCount ? 0 : delta < (1L << (2 * SlotBits)) ? 1 : 2;
        int slot = (int)((due >> (SlotBits * level)) & SlotMask);
        Link(target, level, slot, ref _slots[level][slot]);
        _occupied[level][slot >> 6] |= 1UL << (slot & 63);
    }

    private static void Link(LoopTarget target, int level, int slot, ref LoopTarget? head)
    {
        target.TimerLevel = level;
        target.TimerSlot = slot;
        target.TimerPrevious = null;
        target.TimerNext = head;
        if (head is not null)
        {
            head.TimerPrevious = target;
        }

        head = target;
    }

    // A higher-level slot whose time has come: its timers move down (or fire, when now is their time). One at a
    // time from the slot's head, so the slot stays consistent whatever the moved timers' owners do.
    private void Cascade(int level, int slot)
    {
        while (_slots[level][slot] is { } target)
        {
            Cancel(target);
            Place(target);
            Count++;
        }
    }

    // Fires the level-0 slot of now, one timer at a time: a firing owner may cancel or schedule any other timer.
    private void FireSlot(int slot)
    {
        while (_slots[0][slot] is { } target)
        {
            Cancel(target);
            target.OnTimer();
        }
    }

    private void FireExpired()
    {
        while (_expired is { } target)
        {
            Cancel(target);
            target.OnTimer();
        }
    }
}
